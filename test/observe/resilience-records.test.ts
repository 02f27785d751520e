import { openaiClient } from '../support/e2e.js';
import { RecordCapture } from '../support/record-capture.js';
import { FAST, MODELS, PRIMARY, SECONDARY, startTwoRegions, type TwoRegions } from '../support/two-regions.js';
import type { LocalServer } from '../../lambda/adapters/node-server.js';

/** The record of requests the attempt and watch stages shaped: a fallback, a stall after the first byte. */
let env: TwoRegions;
let gateway: LocalServer;
const records = new RecordCapture();

beforeAll(async () => {
  env = await startTwoRegions();
  gateway = await env.startGateway({ ...FAST, records, streamIdleTimeoutMs: 300 });
});
afterEach(() => env.clearFaults());
afterAll(() => env.close());

const attempt = (region: string, status: number) => ({ region, status, ms: expect.any(Number) });

describe('request records with retries, fallback and stream watching', () => {
  it('records every attempt, the fallback and the route that answered', async () => {
    env.primary.injectFault({ path: '/v1/chat/completions', status: 503, times: 3 });
    const { data, response } = await openaiClient(gateway.url).chat.completions.create({ model: MODELS.chat, messages: [{ role: 'user', content: 'fall back' }] }).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'chat_completions',
      model: MODELS.chat,
      status: 200,
      fallback: true,
      route: { provider: SECONDARY, region: SECONDARY, upstreamModel: 'openai.gpt-oss-120b', apiStyle: 'mantle_openai_chat' },
      attempts: [attempt(PRIMARY, 503), attempt(PRIMARY, 503), attempt(PRIMARY, 503), attempt(SECONDARY, 200)],
      usage: { inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens },
    });
    expect(record.error).toBeUndefined();
  });

  it('records a retry on the same route without a fallback', async () => {
    env.primary.injectFault({ path: '/v1/chat/completions', status: 429 });
    const { response } = await openaiClient(gateway.url).chat.completions.create({ model: MODELS.chat, messages: [{ role: 'user', content: 'retry' }] }).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, fallback: false, route: { region: PRIMARY }, attempts: [attempt(PRIMARY, 429), attempt(PRIMARY, 200)] });
  });

  it('records a stream that stalled after its first content as stream_idle_timeout, with the in-band error the caller got', async () => {
    env.primary.injectFault({ path: '/v1/chat/completions', stallAfterEvents: 3 });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODELS.chat, stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] }),
    });
    const text = await response.text();
    expect(text).toMatch(/"error"/);
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      status: 200,
      stream: true,
      fallback: false,
      attempts: [attempt(PRIMARY, 200)],
      error: { type: 'stream_idle_timeout', message: expect.any(String) },
      bytesOut: Buffer.byteLength(text),
    });
    expect(record.latencyMs).toBeGreaterThanOrEqual(300);
  });
});
