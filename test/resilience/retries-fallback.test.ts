import { toResponse } from '../support/answers.js';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { Fault } from '../../dev/mantle-simulator/index.js';
import { anthropicClient, openaiClient } from '../support/e2e.js';
import { FAST, MODELS, recordingLog, startTwoRegions, type TwoRegions } from '../support/two-regions.js';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import { createAwsGateway } from '../../lambda/aws-gateway.js';
import { staticConfigSource } from '../../lambda/core/index.js';
import { startLocalServer } from '../../lambda/adapters/node-server.js';

let env: TwoRegions;

beforeAll(async () => {
  env = await startTwoRegions();
});
afterEach(() => env.clearFaults());
afterAll(() => env.close());

const chat = (url = env.gateway.url) => openaiClient(url).chat.completions.create({ model: MODELS.chat, messages: [{ role: 'user', content: 'hello there' }] });

describe('retries on one route', () => {
  it('retries a 429 and answers from the same region', async () => {
    env.primary.injectFault({ path: '/v1/chat/completions', status: 429 });
    const completion = await chat();
    expect(completion.choices[0]?.message.content).toBe('Echo: hello there');
    expect(env.primary.requests).toHaveLength(2);
    expect(env.secondary.requests).toHaveLength(0);
  });

  it.each<[string, Fault]>([
    ['500', { status: 500 }],
    ['502', { status: 502 }],
    ['503', { status: 503 }],
    ['504', { status: 504 }],
    ['a dropped connection', { drop: true }],
  ])('retries %s once, then succeeds', async (_name, fault) => {
    const before = env.primary.requests.length;
    env.primary.injectFault({ path: '/v1/chat/completions', ...fault });
    expect((await chat()).choices[0]?.message.content).toBe('Echo: hello there');
    expect(env.primary.requests.length - before).toBe(2);
  });

  it('never retries nor fails over a 400', async () => {
    const before = env.upstreamCount();
    env.primary.injectFault({ path: '/v1/chat/completions', status: 400 });
    const error = await chat().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(env.upstreamCount() - before).toBe(1);
  });
});

describe('fallback to the next region', () => {
  beforeEach(() => env.primary.injectFault({ status: 503, times: 3 }));

  it('answers a chat completion from us-west-2 when us-east-2 answers 503', async () => {
    expect((await chat()).choices[0]?.message.content).toBe('Echo: hello there');
    expect(env.secondary.requests.at(-1)?.path).toBe('/v1/chat/completions');
  });

  it('streams one clean chat completion from us-west-2', async () => {
    const stream = await openaiClient(env.gateway.url).chat.completions.create({ model: MODELS.chat, stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const ids = new Set<string>();
    let text = '';
    let finishes = 0;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes += 1;
    }
    expect({ ids: ids.size, text, finishes }).toEqual({ ids: 1, text: 'Echo: one two three', finishes: 1 });
    expect(env.secondary.requests).not.toHaveLength(0);
  });

  it('answers a response from us-west-2, plain and streamed', async () => {
    const client = openaiClient(env.gateway.url);
    expect((await client.responses.create({ model: MODELS.responses, input: 'plain' })).output_text).toBe('Echo: plain');
    env.primary.injectFault({ status: 503, times: 3 });
    const stream = await client.responses.create({ model: MODELS.responses, input: 'streamed', stream: true });
    const types: string[] = [];
    const ids = new Set<string>();
    for await (const event of stream) {
      types.push(event.type);
      if ('response' in event) ids.add(event.response.id);
    }
    expect(types.filter((type) => type === 'response.created')).toHaveLength(1);
    expect(types.filter((type) => type === 'response.completed')).toHaveLength(1);
    expect(ids.size).toBe(1);
  });

  it('answers a message from us-west-2, plain and streamed', async () => {
    const client = anthropicClient(env.gateway.url);
    const message = await client.messages.create({ model: MODELS.messages, max_tokens: 50, messages: [{ role: 'user', content: 'plain' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: plain' });
    env.primary.injectFault({ status: 503, times: 3 });
    const stream = client.messages.stream({ model: MODELS.messages, max_tokens: 50, messages: [{ role: 'user', content: 'streamed' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.filter((type) => type === 'message_start')).toHaveLength(1);
    expect(types.filter((type) => type === 'message_stop')).toHaveLength(1);
    expect((await stream.finalMessage()).content[0]).toMatchObject({ text: 'Echo: streamed' });
  });

  it('hands over after a route\'s own max_attempts', async () => {
    env.clearFaults();
    const config = { ...env.config, models: env.config.models.map((model) => (model.id === MODELS.chat ? { ...model, routes: model.routes.map((route, index) => (index === 0 ? { ...route, max_attempts: 1 } : route)) } : model)) };
    const server = await startLocalServer({ gateway: createAwsGateway({ config: staticConfigSource(config), credentials: async () => DEMO_CREDENTIALS, ...FAST }) });
    try {
      const before = env.primary.requests.length;
      env.primary.injectFault({ status: 503 });
      expect((await chat(server.url)).choices[0]?.message.content).toBe('Echo: hello there');
      expect(env.primary.requests.length - before).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('falls over at once, without retrying, when the model is not in the first region (404)', async () => {
    env.clearFaults();
    const before = env.primary.requests.length;
    env.primary.injectFault({ status: 404 });
    expect((await chat()).choices[0]?.message.content).toBe('Echo: hello there');
    expect(env.primary.requests.length - before).toBe(1);
  });
});

describe('every route failing', () => {
  it('answers one 503 within the budget and logs every attempt', async () => {
    const log = recordingLog();
    const url = (await env.startGateway({ ...FAST, log })).url;
    env.primary.injectFault({ status: 503, times: 10 });
    env.secondary.injectFault({ status: 503, times: 10 });
    const started = Date.now();
    const error = await chat(url).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(FAST.retry!.budgetMs!);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error', code: 'upstream_unavailable' });
    const logged = log.entries.find((entry) => entry.level === 'error');
    expect(logged?.details['attempts']).toEqual([
      ...Array.from({ length: 3 }, () => ({ region: 'us-east-2', status: 503, ms: expect.any(Number) })),
      ...Array.from({ length: 3 }, () => ({ region: 'us-west-2', status: 503, ms: expect.any(Number) })),
    ]);
  });

  it('answers 429 in the Anthropic envelope when every attempt was throttled', async () => {
    env.primary.injectFault({ status: 429, times: 10 });
    env.secondary.injectFault({ status: 429, times: 10 });
    const error = await anthropicClient(env.gateway.url).messages.create({ model: MODELS.messages, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('stops starting attempts once the budget is spent', async () => {
    const url = (await env.startGateway({ ...FAST, retry: { baseDelayMs: 400, budgetMs: 300, cooldownMs: 0 } })).url;
    const before = env.upstreamCount();
    env.primary.injectFault({ status: 503, times: 10 });
    env.secondary.injectFault({ status: 503, times: 10 });
    const started = Date.now();
    await chat(url).catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(env.upstreamCount() - before).toBeLessThan(6);
  });
});

describe('the first-byte timeout', () => {
  it('is cut to the invocation\'s remaining time, so the caller gets a clean 504 before the platform stops', async () => {
    const gateway = createAwsGateway({ config: staticConfigSource(env.config), credentials: async () => DEMO_CREDENTIALS, ...FAST, headersTimeoutMs: 60_000 });
    env.primary.injectFault({ delayMs: 10_000, times: 5 });
    const started = Date.now();
    const deadline = started + 1_600;
    const response = toResponse(
      await gateway(
        new Request('http://gateway.test/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODELS.chat, messages: [{ role: 'user', content: 'x' }] }) }),
        { requestId: 'req-remaining-time', receivedAt: performance.now(), remainingTimeMs: () => deadline - Date.now() },
      ),
    );
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_600);
    expect((await response.json()).error).toMatchObject({ code: 'upstream_timeout' });
  });
});

describe('route cool-down', () => {
  it('skips a region that just failed a whole request, in this environment only', async () => {
    const url = (await env.startGateway({ ...FAST, retry: { ...FAST.retry, cooldownMs: 60_000 } })).url;
    env.primary.injectFault({ status: 503, times: 3 });
    await chat(url);
    const primaryBefore = env.primary.requests.length;
    await chat(url);
    expect(env.primary.requests.length).toBe(primaryBefore);
    // Another environment knows nothing of it.
    await chat(env.gateway.url);
    expect(env.primary.requests.length).toBe(primaryBefore + 1);
  });
});

describe('a caller who leaves (issue 7 item 6)', () => {
  it('is logged as a client abort, not as Mantle unreachable, and nothing is retried', async () => {
    const log = recordingLog();
    const url = (await env.startGateway({ ...FAST, log })).url;
    const before = env.upstreamCount();
    env.primary.injectFault({ delayMs: 5_000 });
    const controller = new AbortController();
    const pending = fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODELS.chat, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => env.upstreamCount() > before);
    controller.abort();
    await pending;
    await waitFor(() => log.entries.length > 0);
    expect(log.entries).toEqual([{ level: 'info', message: expect.stringContaining('caller closed'), details: expect.objectContaining({ status: 499 }) }]);
    await waitFor(() => env.primary.requests.at(-1)!.abortedByClient);
    expect(env.upstreamCount() - before).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
