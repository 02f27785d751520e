import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { DEMO_CREDENTIALS, startDemoEnvironment, type DemoEnvironment } from '../../dev/demo-environment.js';
import { createObservability } from '../../lambda/observe/observability.js';
import { ERROR_TYPES } from '../../lambda/domain/request-facts.js';
import { METRIC, METRICS_NAMESPACE } from '../../lambda/observe/request-metrics.js';
import { simulator } from '../support/e2e.js';
import { CapturedOutput } from '../support/captured-output.js';

/**
 * What the gateway prints, as CloudWatch would receive it: request records as Powertools JSON lines and
 * metrics as EMF. A canary secret in every place a secret can enter (caller keys, SigV4 credentials) must
 * appear nowhere in the output.
 */
const CANARY_KEY = 'sk-canary-7f3a9c1e5b2d4a6f8e0c';
const CANARY_ANTHROPIC_KEY = 'canary-anthropic-key-0b1c2d3e';
const SECRETS = [CANARY_KEY, CANARY_ANTHROPIC_KEY, DEMO_CREDENTIALS.secretAccessKey, DEMO_CREDENTIALS.sessionToken!, DEMO_CREDENTIALS.accessKeyId];

let env: DemoEnvironment;
const output = new CapturedOutput();
let lines: Array<Record<string, any>>;

beforeAll(async () => {
  output.start();
  try {
    const observability = createObservability({ GATEWAY_STAGE: 'test' });
    env = await startDemoEnvironment({ credentials: 'explicit', records: observability.records });
    const openai = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: CANARY_KEY, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: env.gateway.url, apiKey: CANARY_ANTHROPIC_KEY, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'gpt-oss-120b', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }] });
    for await (const _chunk of stream);
    await anthropic.messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    // Throttled on every attempt of both routes: retries and fallback cannot help, the caller gets the 429.
    for (const region of ['us-east-2', 'us-west-2']) simulator(env, region).injectFault({ path: '/v1/chat/completions', status: 429, times: 3 });
    await openai.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'throttled' }] }).catch(() => undefined);
    await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY_KEY}`, 'x-api-key': CANARY_ANTHROPIC_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [] }),
    }).then((response) => response.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    output.stop();
  }
  lines = output.jsonLines();
});
afterAll(() => env.close());

describe('request records as log lines', () => {
  it('writes one Powertools JSON line with "message": "request" per request', () => {
    const records = lines.filter((line) => line['message'] === 'request');
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({
      level: 'INFO',
      service: 'mantle-gateway',
      timestamp: expect.any(String),
      requestId: expect.any(String),
      caller: { type: 'anonymous' },
      endpoint: 'chat_completions',
      model: 'gpt-oss-120b',
      stream: true,
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
    });
    expect(records.map((record) => record['error']?.type)).toEqual([undefined, undefined, 'rate_limited', 'not_found']);
  });

  it('never prints a secret: caller keys and SigV4 credentials appear nowhere in the output', () => {
    expect(output.text.length).toBeGreaterThan(1000);
    for (const secret of SECRETS) expect(output.text).not.toContain(secret);
  });
});

describe('metrics as EMF', () => {
  const emf = () => lines.filter((line) => line['_aws'] !== undefined);

  it('emits EMF lines in namespace MantleGateway with the documented metric names and dimensions', () => {
    const documented = new Set<string>(Object.values(METRIC));
    expect(emf().length).toBeGreaterThanOrEqual(6);
    for (const line of emf()) {
      const [directive] = line['_aws'].CloudWatchMetrics;
      expect(directive.Namespace).toBe(METRICS_NAMESPACE);
      expect(typeof line['_aws'].Timestamp).toBe('number');
      for (const metric of directive.Metrics) {
        expect(documented.has(metric.Name)).toBe(true);
        expect(typeof line[metric.Name]).toBe('number');
      }
      for (const set of directive.Dimensions) for (const name of set) expect(typeof line[name]).toBe('string');
    }
  });

  it('gives request metrics the model dimension and a stage-wide set', () => {
    const requests = emf().filter((line) => line['Requests'] === 1);
    expect(requests).toHaveLength(4);
    expect(requests.map((line) => line['model'])).toEqual(['gpt-oss-120b', 'claude-opus-4-7', 'gpt-oss-120b', 'unknown']);
    const [directive] = requests[0]!['_aws'].CloudWatchMetrics;
    expect(directive.Dimensions).toEqual([['service', 'stage', 'model'], ['service', 'stage']]);
    expect(requests[0]).toMatchObject({ service: 'mantle-gateway', stage: 'test', Latency: expect.any(Number), TimeToFirstByte: expect.any(Number), InputTokens: expect.any(Number), OutputTokens: expect.any(Number) });
    expect(requests[2]).toMatchObject({ Throttles: 6, Retries: 5, Fallbacks: 1 });
  });

  it('counts errors with their errorType from the closed set', () => {
    const errors = emf().filter((line) => line['Errors'] === 1);
    expect(errors.map((line) => [line['model'], line['errorType']])).toEqual([
      ['gpt-oss-120b', 'rate_limited'],
      ['unknown', 'not_found'],
    ]);
    for (const line of errors) expect(ERROR_TYPES).toContain(line['errorType']);
    expect(errors[0]!['_aws'].CloudWatchMetrics[0].Dimensions).toEqual([['service', 'stage', 'model', 'errorType'], ['service', 'stage', 'errorType']]);
  });
});
