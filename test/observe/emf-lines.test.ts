/**
 * The request's EMF lines are written by RequestMetricsWriter, not Powertools Metrics' store (the per-line cost):
 * they must stay exactly what Powertools printed for the same calls, line for line, but for the timestamp.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RequestRecord } from '../../lambda/observe/request-record.js';
import { METRIC, METRICS_NAMESPACE, RequestMetricsWriter } from '../../lambda/observe/request-metrics.js';
import { CapturedOutput } from '../support/captured-output.js';

/** What the gateway called on Powertools Metrics per request before the writer (the reference). */
function publishWithPowertools(metrics: Metrics, record: RequestRecord, model: string): void {
  metrics.addDimension('model', model);
  metrics.addDimensions({});
  metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
  metrics.addMetric(METRIC.throttles, MetricUnit.Count, record.attempts.filter((attempt) => 'status' in attempt && attempt.status === 429).length);
  metrics.addMetric(METRIC.fallbacks, MetricUnit.Count, record.fallback ? 1 : 0);
  metrics.addMetric(METRIC.retries, MetricUnit.Count, Math.max(0, record.attempts.length - 1));
  metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, record.latencyMs);
  if (record.ttfbMs !== undefined) metrics.addMetric(METRIC.timeToFirstByte, MetricUnit.Milliseconds, record.ttfbMs);
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

const base: RequestRecord = {
  requestId: 'req-1',
  caller: { type: 'anonymous' },
  endpoint: 'chat_completions',
  model: 'gpt-oss-120b',
  status: 200,
  stream: false,
  attempts: [{ provider: 'east', region: 'us-east-2', status: 200, latencyMs: 12.5 }] as unknown as RequestRecord['attempts'],
  fallback: false,
  latencyMs: 15.2,
  ttfbMs: 14.1,
  bytesOut: 512,
  usage: { inputTokens: 10, outputTokens: 20 } as unknown as NonNullable<RequestRecord['usage']>,
} as RequestRecord;

const withoutTiming = (line: string): unknown => {
  const parsed = JSON.parse(line) as { _aws: { Timestamp: number } };
  expect(parsed._aws.Timestamp).toBeGreaterThan(Date.now() - 60_000);
  return { ...parsed, _aws: { ...parsed._aws, Timestamp: 0 } };
};

function lines(publish: () => void): string[] {
  const output = new CapturedOutput().start();
  try {
    publish();
  } finally {
    output.stop();
  }
  return output.text.split('\n').filter((line) => line.startsWith('{'));
}

describe('RequestMetricsWriter', () => {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'mantle-gateway', defaultDimensions: { stage: 'prod' } });
  const writer = new RequestMetricsWriter(METRICS_NAMESPACE, { service: 'mantle-gateway', stage: 'prod' });

  it.each<[string, RequestRecord, string]>([
    ['a plain answer', base, 'gpt-oss-120b'],
    ['no first byte, no usage', { ...base, ttfbMs: undefined, usage: undefined } as unknown as RequestRecord, 'gpt-oss-120b'],
    ['count_tokens (no token metrics)', { ...base, endpoint: 'count_tokens' }, 'claude-opus-4-7'],
    ['only input tokens', { ...base, usage: { inputTokens: 3 } } as unknown as RequestRecord, 'm'],
    [
      'throttled twice, then a fallback, then an error',
      {
        ...base,
        status: 429,
        fallback: true,
        attempts: [{ status: 429 }, { status: 429 }, { error: 'network' }] as unknown as RequestRecord['attempts'],
        error: { type: 'rate_limited', message: 'slow down' },
      } as unknown as RequestRecord,
      'unknown',
    ],
    ['a gateway-made error with no attempt', { ...base, attempts: [], error: { type: 'not_found', message: 'x' } } as unknown as RequestRecord, 'none'],
  ])('prints what Powertools printed for %s', (_case, record, model) => {
    const strip = (list: string[]) => list.map(withoutTiming);
    const expected = lines(() => publishWithPowertools(metrics, JSON.parse(JSON.stringify(record)) as RequestRecord, model));
    const actual = lines(() => writer.publish(record, model));
    expect(actual.length).toBe(record.error ? 2 : 1);
    expect(strip(actual)).toEqual(strip(expected));
    // Same keys in the same order: the lines are byte-identical but for the timestamp.
    expect(actual.map((line) => line.replace(/"Timestamp":\d+/, ''))).toEqual(expected.map((line) => line.replace(/"Timestamp":\d+/, '')));
  });
});
