/**
 * The request record as CloudWatch metrics, in embedded metric format (Powertools Metrics), namespace
 * `MantleGateway`. Every metric has the dimensions `service`, `stage` and `model`, and again without `model`
 * (the whole stage, what alarms read); `Errors` adds `errorType`. Caller ids never become dimensions.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from './metric-names.js';
import type { RequestRecord } from './request-record.js';

export { METRIC, METRICS_NAMESPACE } from './metric-names.js';


/** Publishes one request's metrics: one EMF line, plus one for `Errors` when it failed. */
export function publishRequestMetrics(metrics: Metrics, record: RequestRecord, model: string): void {
  const throttles = record.attempts.filter((attempt) => 'status' in attempt && attempt.status === 429).length;
  metrics.addDimension('model', model);
  metrics.addDimensions({});
  metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
  metrics.addMetric(METRIC.throttles, MetricUnit.Count, throttles);
  metrics.addMetric(METRIC.fallbacks, MetricUnit.Count, record.fallback ? 1 : 0);
  metrics.addMetric(METRIC.retries, MetricUnit.Count, Math.max(0, record.attempts.length - 1));
  metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, record.latencyMs);
  if (record.ttfbMs !== undefined) metrics.addMetric(METRIC.timeToFirstByte, MetricUnit.Milliseconds, record.ttfbMs);
  // count_tokens reports a count, not consumption: it would double the input tokens of the call that follows.
  if (record.usage && record.endpoint !== 'count_tokens') {
    if (record.usage.inputTokens !== undefined) metrics.addMetric(METRIC.inputTokens, MetricUnit.Count, record.usage.inputTokens);
    if (record.usage.outputTokens !== undefined) metrics.addMetric(METRIC.outputTokens, MetricUnit.Count, record.usage.outputTokens);
  }
  metrics.publishStoredMetrics();
  if (record.error) {
    const errors = metrics.singleMetric();
    errors.addDimension('model', model);
    errors.addDimension('errorType', record.error.type);
    errors.addDimensions({ errorType: record.error.type });
    errors.addMetric(METRIC.errors, MetricUnit.Count, 1);
  }
}
