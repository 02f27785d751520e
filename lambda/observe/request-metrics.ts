/**
 * The request record as CloudWatch metrics, in embedded metric format, namespace `MantleGateway`. Every metric has
 * the dimensions `service`, `stage` and `model`, and again without `model` (the whole stage, what alarms read);
 * `Errors` adds `errorType`. Caller ids never become dimensions.
 *
 * The two lines a request makes are written here, not through Powertools Metrics' store: the same EMF, byte for
 * byte (test/observe/emf-lines.test.ts holds it against Powertools' own output), without its per-line
 * environment reads, key-collision checks and store merges (about half of a record's CPU; README "Performance").
 * Powertools Metrics still decides whether metrics are on (`POWERTOOLS_METRICS_DISABLED`, `POWERTOOLS_DEV`), read
 * once, and emits the `ColdStart` metric.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from './metric-names.js';
import type { RequestRecord } from './request-record.js';

export { METRIC, METRICS_NAMESPACE } from './metric-names.js';

/** Powertools Metrics that says, once, whether it emits anything. */
export class GatewayMetrics extends Metrics {
  /** False when `POWERTOOLS_METRICS_DISABLED` (or dev mode without it) turns metrics off. */
  readonly emits: boolean = !this.isDisabled();
}

/** Writes one request's EMF lines; the static parts of each line are built once. */
export class RequestMetricsWriter {
  private readonly requestHead: string;
  private readonly errorHead: string;
  private readonly dimensions: string;

  /**
   * @param namespace `MantleGateway`
   * @param fixed the dimensions every line carries, in order (`service`, `stage`)
   */
  constructor(
    private readonly namespace: string,
    fixed: Readonly<Record<string, string>>,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {
    const names = Object.keys(fixed);
    const list = (extra: readonly string[]): string => JSON.stringify([[...names, 'model', ...extra], [...names, ...extra]]);
    this.requestHead = `"Dimensions":${list([])},"Metrics":`;
    this.errorHead = `"Dimensions":${list(['errorType'])},"Metrics":[{"Name":"${METRIC.errors}","Unit":"Count"}]}]},`;
    this.dimensions = JSON.stringify(fixed).slice(1, -1);
  }

  /** One EMF line for the request, plus one for `Errors` when it failed. */
  publish(record: RequestRecord, model: string): void {
    const names: string[] = [];
    const values: string[] = [];
    const add = (name: string, unit: 'Count' | 'Milliseconds', value: number): void => {
      names.push(`{"Name":"${name}","Unit":"${unit}"}`);
      values.push(`"${name}":${JSON.stringify(value)}`);
    };
    let throttles = 0;
    for (const attempt of record.attempts) if ('status' in attempt && attempt.status === 429) throttles += 1;
    add(METRIC.requests, 'Count', 1);
    add(METRIC.throttles, 'Count', throttles);
    add(METRIC.fallbacks, 'Count', record.fallback ? 1 : 0);
    add(METRIC.retries, 'Count', Math.max(0, record.attempts.length - 1));
    add(METRIC.latency, 'Milliseconds', record.latencyMs);
    if (record.ttfbMs !== undefined) add(METRIC.timeToFirstByte, 'Milliseconds', record.ttfbMs);
    // count_tokens reports a count, not consumption: it would double the input tokens of the call that follows.
    if (record.usage && record.endpoint !== 'count_tokens') {
      if (record.usage.inputTokens !== undefined) add(METRIC.inputTokens, 'Count', record.usage.inputTokens);
      if (record.usage.outputTokens !== undefined) add(METRIC.outputTokens, 'Count', record.usage.outputTokens);
    }
    const modelValue = JSON.stringify(model);
    this.write(`${this.head(Date.now())}${this.requestHead}[${names.join(',')}]}]},${this.dimensions},"model":${modelValue},${values.join(',')}}\n`);
    if (record.error) {
      this.write(`${this.head(Date.now())}${this.errorHead}${this.dimensions},"model":${modelValue},"errorType":${JSON.stringify(record.error.type)},"${METRIC.errors}":1}\n`);
    }
  }

  private head(timestamp: number): string {
    return `{"_aws":{"Timestamp":${timestamp},"CloudWatchMetrics":[{"Namespace":${JSON.stringify(this.namespace)},`;
  }
}
