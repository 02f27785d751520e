/**
 * The gateway's logger, metrics and request-record sink, configured from the environment. The Lambda entry and
 * the local runs (`npm start`, `npm run demo`) build them the same way, so a local run prints the same request
 * records and EMF lines a deployment sends to CloudWatch.
 *
 * Environment: `POWERTOOLS_LOG_LEVEL` (default INFO), `GATEWAY_STAGE` (the `stage` dimension, default `local`),
 * `GATEWAY_LOG_FORMAT` (`pretty` or `compact`, local runs only), `POWERTOOLS_METRICS_DISABLED`. Powertools' own
 * variables are read from `process.env`, where Powertools reads them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names.js';
import { GatewayMetrics, RequestMetricsWriter } from './request-metrics.js';
import { RequestRecordWriter, writesRecordLinesDirectly } from './request-record-writer.js';
import type { RequestRecordSink } from './request-record.js';

export { SERVICE_NAME };

export interface Observability {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Writes each request record as a log line and its metrics to the EMF output. */
  readonly records: RequestRecordSink;
  /** Once per Lambda invocation: the context (request id, cold start) for the logger's lines and the records'. */
  addContext(context: LambdaContext): void;
}

type LambdaContext = Parameters<Logger['addContext']>[0];

type Environment = Readonly<Record<string, string | undefined>>;

/** @example const { logger, records } = createObservability(process.env); */
export function createObservability(env: Environment = process.env): Observability {
  const stage = stageOf(env);
  // `stage` on every line: the config-failure metric filter takes its dimension from it.
  const logger = new Logger({ serviceName: SERVICE_NAME, jsonReplacerFn: redactingReplacer, persistentKeys: { stage } });
  const metrics = new GatewayMetrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions: { stage } });
  // Whether metrics are on is read once; the per-request lines bypass Powertools' store (request-metrics.ts).
  const emf = metrics.emits ? new RequestMetricsWriter(METRICS_NAMESPACE, { service: SERVICE_NAME, stage }) : undefined;
  // The record line as Powertools prints it, without its per-line cost (request-record-writer.ts); through the
  // logger itself where the two would differ (dev mode's pretty output, a non-UTC TZ, concurrent invocations).
  const lines = writesRecordLinesDirectly() ? new RequestRecordWriter({ logger, serviceName: SERVICE_NAME, persistentKeys: { stage } }) : undefined;
  return {
    logger,
    metrics,
    records: {
      write(record, { model }) {
        if (lines) lines.write(record);
        else logger.info('request', record as unknown as Record<string, unknown>);
        emf?.publish(record, model);
      },
    },
    addContext(context) {
      logger.addContext(context);
      lines?.addContext(context);
    },
  };
}

/**
 * For local runs, before {@link createObservability}: `GATEWAY_LOG_FORMAT=pretty` (the default on a terminal)
 * indents log lines (Powertools' dev mode) while keeping the EMF metric lines, which dev mode would turn off.
 */
export function configureLocalLogFormat(env: Record<string, string | undefined>, isTerminal: boolean): void {
  const format = env['GATEWAY_LOG_FORMAT'] ?? (isTerminal ? 'pretty' : 'compact');
  if (format !== 'pretty' && format !== 'compact') throw new Error(`GATEWAY_LOG_FORMAT must be pretty or compact, got ${JSON.stringify(format)}`);
  if (format === 'pretty') env['POWERTOOLS_DEV'] = 'true';
  env['POWERTOOLS_METRICS_DISABLED'] ??= 'false';
}

function stageOf(env: Environment): string {
  const stage = env['GATEWAY_STAGE']?.trim();
  return stage ? stage : 'local';
}
