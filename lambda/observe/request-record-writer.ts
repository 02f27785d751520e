/**
 * The request record as one JSON log line, written to stdout here instead of through Powertools Logger: the line
 * `logger.info('request', record)` printed, key for key and in the same order (test/observe/record-line.test.ts
 * holds it against Powertools' own line), without Powertools' per-line work: environment reads, deep merges of
 * the attributes, the empty-key sweep, and a replacer call for every value (together about 8% of the gateway's
 * CPU under load; README "Performance").
 *
 * Powertools' order: `level`, `message`, `timestamp`, `service`, the Lambda context (`cold_start`, `function_arn`,
 * `function_memory_size`, `function_name`, `function_request_id`), `sampling_rate`, `xray_trace_id`, `tenant_id`,
 * the persistent keys (`stage`), then the record's fields. Like Powertools, top-level empty values ('', null) are
 * left out. The fixed parts are serialized once, the context once per invocation; per line only the timestamp,
 * the trace id (when it changed) and the record itself.
 *
 * The Powertools logger still decides whether INFO prints (`POWERTOOLS_LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`,
 * sampling). Where this line would differ, {@link writesRecordLinesDirectly} says so and the records keep going
 * through the logger: dev mode (pretty, indented output on the global console), a timezone other than UTC, and
 * concurrent invocations in one environment (one context per invocation, kept by Lambda's InvokeStore).
 */
import { LogLevelThreshold, type Logger } from '@aws-lambda-powertools/logger';
import { mayHoldSecret, redactingReplacer } from './redact.js';
import type { RequestRecord } from './request-record.js';

/** The Lambda context fields the line carries (what Powertools' `addContext` keeps). */
export interface RecordLineContext {
  readonly awsRequestId: string;
  readonly invokedFunctionArn?: string | undefined;
  readonly memoryLimitInMB?: string | number | undefined;
  readonly functionName?: string | undefined;
  readonly tenantId?: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

export interface RecordLineOptions {
  /** The gateway's logger: its level decides whether records print. */
  readonly logger: Pick<Logger, 'level'>;
  readonly serviceName: string;
  /** The logger's persistent keys, in order (`stage`). */
  readonly persistentKeys: Readonly<Record<string, string>>;
  /** Where Powertools reads its settings from (`POWERTOOLS_LOGGER_SAMPLE_RATE`, `AWS_LAMBDA_INITIALIZATION_TYPE`). */
  readonly env?: Environment;
  readonly write?: (line: string) => void;
}

/** Powertools' truthy values for `POWERTOOLS_DEV`. */
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);

/**
 * Whether {@link RequestRecordWriter} prints what Powertools would in this environment (read from `process.env`,
 * as Powertools reads it). False in dev mode, with a non-UTC `TZ`, and with `AWS_LAMBDA_MAX_CONCURRENCY`.
 */
export function writesRecordLinesDirectly(env: Environment = process.env): boolean {
  if (TRUTHY.has(env['POWERTOOLS_DEV']?.trim().toLowerCase() ?? '')) return false;
  const timezone = env['TZ']?.trim();
  if (timezone && !timezone.includes('UTC')) return false;
  return (env['AWS_LAMBDA_MAX_CONCURRENCY']?.trim() ?? '') === '';
}

/** Writes request records as Powertools' JSON lines; the parts that do not change per line are built once. */
export class RequestRecordWriter {
  private readonly logger: Pick<Logger, 'level'>;
  private readonly out: (line: string) => void;
  private readonly service: string;
  private readonly sampling: string;
  private readonly persistent: string;
  /** Powertools' rule: a cold start only in an on-demand environment, and only on its first invocation. */
  private coldStart: boolean;
  private invocation = '';
  private tenant = '';
  private functionFacts: readonly unknown[] = [];
  private functionMembers = '';
  private traceSource: string | undefined = '';
  private trace = '';

  constructor(options: RecordLineOptions) {
    const env = options.env ?? process.env;
    this.logger = options.logger;
    this.out = options.write ?? ((line) => void process.stdout.write(line));
    this.service = members({ service: options.serviceName });
    this.sampling = members({ sampling_rate: sampleRate(env) });
    this.persistent = members(options.persistentKeys);
    this.coldStart = env['AWS_LAMBDA_INITIALIZATION_TYPE']?.trim() === 'on-demand';
  }

  /** Call once per invocation, with the Lambda context (as `logger.addContext`). */
  addContext(context: RecordLineContext): void {
    const coldStart = this.coldStart;
    this.coldStart = false;
    const facts = [context.invokedFunctionArn, context.memoryLimitInMB, context.functionName];
    if (facts.some((fact, index) => fact !== this.functionFacts[index])) {
      this.functionFacts = facts;
      this.functionMembers = members({ function_arn: facts[0], function_memory_size: facts[1], function_name: facts[2] });
    }
    this.invocation = `,"cold_start":${coldStart}${this.functionMembers}${member('function_request_id', context.awsRequestId)}`;
    this.tenant = member('tenant_id', context.tenantId);
  }

  /** The record's line, unless the logger's level is above INFO. */
  write(record: RequestRecord): void {
    if (this.logger.level > LogLevelThreshold.INFO) return;
    const fields = recordFields(record);
    const context = `${this.invocation}${this.sampling}${this.traceMember()}${this.tenant}${this.persistent}`;
    this.out(`{"level":"INFO","message":"request","timestamp":"${new Date().toISOString()}"${this.service}${context}${fields}\n`);
  }

  /** `xray_trace_id`: the Root of the invocation's trace header, read where and when Powertools reads it. */
  private traceMember(): string {
    const source = invokeStore()?.getXRayTraceId() ?? process.env['_X_AMZN_TRACE_ID']?.trim();
    if (source !== this.traceSource) {
      this.traceSource = source;
      this.trace = member('xray_trace_id', traceRoot(source));
    }
    return this.trace;
  }
}

/** The record's members and the closing brace; the replacer runs only when the JSON may hold a secret. */
function recordFields(record: RequestRecord): string {
  const fields = withoutEmpty(record as unknown as Readonly<Record<string, unknown>>);
  let json = JSON.stringify(fields);
  if (mayHoldSecret(json)) json = JSON.stringify(fields, redactingReplacer);
  return json.length > 2 ? `,${json.slice(1)}` : '}';
}

/** `,"a":1,"b":"x"`: the members Powertools prints for these fields (empty ones left out, secrets redacted). */
function members(fields: Readonly<Record<string, unknown>>): string {
  const json = JSON.stringify(withoutEmpty(fields), redactingReplacer);
  return json.length > 2 ? `,${json.slice(1, -1)}` : '';
}

function member(key: string, value: string | undefined): string {
  return isEmpty(value) ? '' : `,${JSON.stringify(key)}:${JSON.stringify(redactingReplacer(key, value))}`;
}

/** Powertools leaves out top-level values that are undefined, '' or null; the object itself when none is. */
function withoutEmpty(fields: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let kept: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (!isEmpty(fields[key])) continue;
    kept = {};
    for (const name in fields) if (!isEmpty(fields[name])) kept[name] = fields[name];
    break;
  }
  return kept ?? fields;
}

function isEmpty(value: unknown): boolean {
  return value === '' || value === null || value === undefined;
}

/** `POWERTOOLS_LOGGER_SAMPLE_RATE` when it is a rate (0..1), else 0, as Powertools takes it. */
function sampleRate(env: Environment): number {
  const rate = Number(env['POWERTOOLS_LOGGER_SAMPLE_RATE']?.trim() ?? '0');
  return rate >= 0 && rate <= 1 ? rate : 0;
}

/** `Root=1-...;Parent=...;Sampled=1` -> `1-...`; a value without `=` is the root itself. */
function traceRoot(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (!header.includes('=')) return header;
  let root: string | undefined;
  for (const field of header.split(';')) {
    const [key, value] = field.split('=');
    if (key === 'Root') root = value;
  }
  return root;
}

interface InvokeStoreLike {
  getXRayTraceId(): string | undefined;
}

/** Lambda's per-invocation store, when the runtime provides one (Powertools reads the trace id from it first). */
function invokeStore(): InvokeStoreLike | undefined {
  return (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
}
