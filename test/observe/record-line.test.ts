/**
 * The request record line is written by RequestRecordWriter, not Powertools Logger (the per-line cost): it must
 * stay the line Powertools printed for `logger.info('request', record)` with the same context and environment,
 * byte for byte but for the timestamp (same keys, same order, same values).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createObservability } from '../../lambda/observe/observability.js';
import { redactingReplacer } from '../../lambda/observe/redact.js';
import type { RequestRecord } from '../../lambda/observe/request-record.js';
import { RequestRecordWriter, writesRecordLinesDirectly } from '../../lambda/observe/request-record-writer.js';
import { CapturedOutput } from '../support/captured-output.js';

type LambdaContext = Parameters<Logger['addContext']>[0];

const base: RequestRecord = {
  requestId: 'req-1',
  caller: { type: 'key', id: 'k7f3a' },
  endpoint: 'chat_completions',
  model: 'gpt-oss-120b',
  route: { provider: 'east', region: 'us-east-2', upstreamModel: 'openai.gpt-oss-120b', apiStyle: 'mantle_openai_chat' },
  status: 200,
  stream: true,
  attempts: [{ region: 'us-east-2', status: 429, ms: 3.2 }, { region: 'us-west-2', error: 'upstream_unreachable', ms: 1 }, { region: 'us-west-2', status: 200, ms: 40.1 }],
  fallback: true,
  latencyMs: 52.4,
  ttfbMs: 44,
  bytesOut: 2048,
  usage: { inputTokens: 10, outputTokens: 20, cacheReadTokens: 4 },
  configRevision: 'rev-7',
  clientGone: false,
  quota: { reserved: 100, remaining: 'n/a' },
};

const SECRET = 'canary-4f1e2d3c4b5a69788796a5b4';
const KEY_SECRET = '9c1e5b2d4a6f8e0c'.repeat(4);
const records: Array<[string, RequestRecord]> = [
  ['a full record', base],
  ['a bare record', { requestId: 'r', caller: { type: 'anonymous' }, endpoint: 'models', status: 200, stream: false, attempts: [], fallback: false, latencyMs: 0.4, bytesOut: 9 }],
  ['empty top-level strings (left out) and an empty nested one (kept)', { ...base, model: '', configRevision: '', route: { ...base.route!, provider: '' } }],
  ['an error whose message holds secrets', { ...base, status: 502, error: { type: 'upstream_error', message: `Mantle said: Bearer ${SECRET}; AKIAABCDEFGHIJKLMNOP; mgw_k7f3a_${KEY_SECRET}`, upstreamRequestId: 'up-1' } }],
  ['unicode and characters JSON escapes', { ...base, model: 'modèle "quoted" \\ back\nline \u2028 \ud83d\ude00' }],
];

const context = (requestId: string, extra: Partial<Record<string, unknown>> = {}): LambdaContext =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'mantle-gateway-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:mantle-gateway-fn',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/mantle-gateway-fn',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 1000,
    ...extra,
  }) as unknown as LambdaContext;

/** Sets the variables for the duration of `run`, restoring what was there. */
function withEnv<T>(vars: Record<string, string>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

interface Pair {
  readonly logger: Logger;
  readonly writer: RequestRecordWriter;
  readonly ours: string[];
}

/** The gateway's logger as observability.ts configures it, and a writer beside it; built in the current env. */
function pair(): Pair {
  const logger = new Logger({ serviceName: 'mantle-gateway', jsonReplacerFn: redactingReplacer, persistentKeys: { stage: 'prod' } });
  const ours: string[] = [];
  const writer = new RequestRecordWriter({ logger, serviceName: 'mantle-gateway', persistentKeys: { stage: 'prod' }, write: (line) => void ours.push(line) });
  return { logger, writer, ours };
}

/** Powertools' line and ours for the same record, the timestamps checked and then set equal. */
function bothLines({ logger, writer, ours }: Pair, record: RequestRecord): [string | undefined, string | undefined] {
  const output = new CapturedOutput().start();
  try {
    logger.info('request', record as unknown as Record<string, unknown>);
  } finally {
    output.stop();
  }
  ours.length = 0;
  writer.write(record);
  const theirs = output.text.split('\n').find((line) => line.includes('"message":"request"'));
  const normalize = (line: string | undefined): string | undefined => {
    if (line === undefined) return undefined;
    const { timestamp } = JSON.parse(line) as { timestamp: string };
    expect(Math.abs(Date.parse(timestamp) - Date.now())).toBeLessThan(60_000);
    return line.replace(`"timestamp":"${timestamp}"`, '"timestamp":"T"');
  };
  expect(ours.length).toBeLessThanOrEqual(1);
  expect(ours[0] === undefined || ours[0].endsWith('}\n')).toBe(true);
  return [normalize(theirs), normalize(ours[0]?.slice(0, -1))];
}

describe('RequestRecordWriter: the line Powertools printed', () => {
  it.each(records)('without a Lambda context (local runs): %s', (_name, record) => {
    const [theirs, ours] = bothLines(pair(), record);
    expect(theirs).toBeDefined();
    expect(ours).toBe(theirs);
  });

  it.each(records)('in Lambda, cold start then warm, with a trace id: %s', (_name, record) => {
    withEnv({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1' }, () => {
      const both = pair();
      for (const requestId of ['c0ffee00-0000-4000-8000-000000000001', 'c0ffee00-0000-4000-8000-000000000002']) {
        both.logger.addContext(context(requestId));
        both.writer.addContext(context(requestId));
        const [theirs, ours] = bothLines(both, record);
        expect(JSON.parse(theirs!)).toMatchObject({ cold_start: requestId.endsWith('1'), function_request_id: requestId, xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793', stage: 'prod' });
        expect(ours).toBe(theirs);
      }
    });
  });

  it.each<[string, Record<string, string>, Partial<Record<string, unknown>>]>([
    ['provisioned concurrency (never a cold start), a bare trace id', { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency', _X_AMZN_TRACE_ID: '1-abc-def' }, {}],
    ['a tenant id, a sampling rate, a numeric memory size', { AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', POWERTOOLS_LOGGER_SAMPLE_RATE: '0.5' }, { tenantId: 'tenant-9', memoryLimitInMB: 512 }],
    ['an empty function name (left out), a rate out of range', { POWERTOOLS_LOGGER_SAMPLE_RATE: '7' }, { functionName: '' }],
  ])('in Lambda: %s', (_name, env, extra) => {
    withEnv(env, () => {
      const both = pair();
      for (const requestId of ['r-1', 'r-2']) {
        both.logger.addContext(context(requestId, extra));
        both.writer.addContext(context(requestId, extra));
        const [theirs, ours] = bothLines(both, base);
        expect(ours).toBe(theirs);
      }
    });
  });

  it('follows a trace id that changes between invocations', () => {
    const both = pair();
    for (const trace of ['Root=1-aaa;Sampled=0', 'Root=1-bbb;Sampled=1', '']) {
      withEnv({ _X_AMZN_TRACE_ID: trace }, () => {
        const [theirs, ours] = bothLines(both, base);
        expect(ours).toBe(theirs);
      });
    }
  });

  it('masks a secret inside an error message, as the logger did', () => {
    const [, ours] = bothLines(pair(), records[3]![1]);
    expect(ours).not.toContain(SECRET);
    expect(ours).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(ours).not.toContain(KEY_SECRET);
    expect(JSON.parse(ours!).error.message).toBe('Mantle said: Bearer [redacted]; [redacted access key id]; mgw_k7f3a_[redacted]');
  });
});

describe('RequestRecordWriter: the log level', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['INFO (the default)', {}, true],
    ['DEBUG', { POWERTOOLS_LOG_LEVEL: 'DEBUG' }, true],
    ['WARN', { POWERTOOLS_LOG_LEVEL: 'WARN' }, false],
    ['ERROR', { POWERTOOLS_LOG_LEVEL: 'ERROR' }, false],
    ['SILENT', { POWERTOOLS_LOG_LEVEL: 'SILENT' }, false],
    ['WARN from Lambda advanced logging controls', { AWS_LAMBDA_LOG_LEVEL: 'WARN' }, false],
  ])('with %s, writes a record exactly when Powertools did', (_name, env, printed) => {
    withEnv(env, () => {
      const [theirs, ours] = bothLines(pair(), base);
      expect(theirs !== undefined).toBe(printed);
      expect(ours).toBe(theirs);
    });
  });

  it('follows a level set on the logger later', () => {
    const both = pair();
    both.logger.setLogLevel('ERROR');
    expect(bothLines(both, base)).toEqual([undefined, undefined]);
    both.logger.setLogLevel('INFO');
    expect(bothLines(both, base)[1]).toContain('"message":"request"');
  });
});

describe('createObservability', () => {
  it('gives the records the context the handler adds per invocation, as it gives the logger', () => {
    const output = new CapturedOutput();
    withEnv({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }, () => {
      const { logger, records, addContext } = createObservability({ GATEWAY_STAGE: 'prod' });
      output.start();
      try {
        for (const requestId of ['inv-1', 'inv-2']) {
          addContext(context(requestId));
          logger.info('another line');
          records.write({ ...base, requestId }, { model: 'gpt-oss-120b' });
        }
      } finally {
        output.stop();
      }
    });
    const lines = output.jsonLines().filter((line) => line['message'] !== undefined);
    const pick = ({ message, cold_start, function_request_id, function_name, stage }: Record<string, unknown>) => ({ message, cold_start, function_request_id, function_name, stage });
    expect(lines.map(pick)).toEqual([
      { message: 'another line', cold_start: true, function_request_id: 'inv-1', function_name: 'mantle-gateway-fn', stage: 'prod' },
      { message: 'request', cold_start: true, function_request_id: 'inv-1', function_name: 'mantle-gateway-fn', stage: 'prod' },
      { message: 'another line', cold_start: false, function_request_id: 'inv-2', function_name: 'mantle-gateway-fn', stage: 'prod' },
      { message: 'request', cold_start: false, function_request_id: 'inv-2', function_name: 'mantle-gateway-fn', stage: 'prod' },
    ]);
  });
});

describe('writesRecordLinesDirectly', () => {
  it.each<[Record<string, string>, boolean]>([
    [{}, true],
    [{ POWERTOOLS_DEV: 'false', TZ: ':UTC' }, true],
    [{ TZ: 'UTC' }, true],
    [{ POWERTOOLS_DEV: 'true' }, false],
    [{ POWERTOOLS_DEV: ' Yes ' }, false],
    [{ TZ: 'Europe/Paris' }, false],
    [{ AWS_LAMBDA_MAX_CONCURRENCY: '8' }, false],
  ])('in %j: %s (else records go through the Powertools logger)', (env, direct) => {
    expect(writesRecordLinesDirectly(env)).toBe(direct);
  });
});
