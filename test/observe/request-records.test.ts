import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { startDemoEnvironment } from '../../dev/demo-environment.js';
import { anthropicClient, openaiClient, simulator } from '../support/e2e.js';
import { RecordCapture } from '../support/record-capture.js';

/**
 * One request record per request, every field, for each surface streamed and not, against the simulator
 * through the real local server adapter. Usage is compared with what the simulator's answer reported.
 */
let env: DemoEnvironment;
const records = new RecordCapture();
const east = { provider: 'mantle-us-east-2', region: 'us-east-2' };
const west = { provider: 'mantle-us-west-2', region: 'us-west-2' };
const timing = { latencyMs: expect.any(Number), ttfbMs: expect.any(Number), bytesOut: expect.any(Number) };
const attempt = (region: string, status = 200) => ({ region, status, ms: expect.any(Number) });

beforeAll(async () => {
  env = await startDemoEnvironment({ credentials: 'explicit', records });
});
afterEach(() => {
  for (const sim of env.simulators.values()) sim.clearFaults();
});
afterAll(() => env.close());

function expectTimings(record: { latencyMs: number; ttfbMs?: number; bytesOut: number }): void {
  expect(record.ttfbMs).toBeGreaterThanOrEqual(0);
  expect(record.latencyMs).toBeGreaterThanOrEqual(record.ttfbMs!);
  expect(record.bytesOut).toBeGreaterThan(0);
}

describe('request records: OpenAI Chat Completions', () => {
  it('records a non-streamed chat call with its usage, route and attempt', async () => {
    const { data, response } = await openaiClient(env.gateway.url).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'Hello records' }] }).withResponse();
    const requestId = response.headers.get('x-request-id');
    const record = await records.of(requestId);
    expect(record).toEqual({
      requestId,
      caller: { type: 'anonymous' },
      endpoint: 'chat_completions',
      model: 'gpt-oss-120b',
      route: { ...east, upstreamModel: 'openai.gpt-oss-120b', apiStyle: 'mantle_openai_chat' },
      status: 200,
      stream: false,
      attempts: [attempt('us-east-2')],
      fallback: false,
      ...timing,
      usage: { inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens, cacheReadTokens: 0 },
      clientGone: false,
    });
    expectTimings(record);
    expect(records.modelOf(requestId!)).toBe('gpt-oss-120b');
  });

  it('records a streamed chat call with the usage of its usage chunk', async () => {
    const { data: stream, response } = await openaiClient(env.gateway.url)
      .chat.completions.create({ model: 'qwen3-32b', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }] })
      .withResponse();
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'chat_completions',
      model: 'qwen3-32b',
      route: { ...west, upstreamModel: 'qwen.qwen3-32b', apiStyle: 'mantle_openai_chat' },
      status: 200,
      stream: true,
      attempts: [attempt('us-west-2')],
      fallback: false,
      usage: { inputTokens: usage!.prompt_tokens, outputTokens: usage!.completion_tokens, cacheReadTokens: 0 },
      clientGone: false,
    });
    expectTimings(record);
  });

  it('leaves usage out of a stream that does not report it', async () => {
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen3-32b', stream: true, messages: [{ role: 'user', content: 'no usage please' }] }),
    });
    const body = await response.arrayBuffer();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record.usage).toBeUndefined();
    expect(record.bytesOut).toBe(body.byteLength);
    expect(record.error).toBeUndefined();
  });
});

describe('request records: OpenAI Responses', () => {
  it('records a non-streamed response with its usage', async () => {
    const { data, response } = await openaiClient(env.gateway.url).responses.create({ model: 'gpt-55-bedrock', input: 'Usage please' }).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'responses',
      model: 'gpt-55-bedrock',
      route: { ...east, upstreamModel: 'openai.gpt-5.5', apiStyle: 'mantle_openai_responses' },
      status: 200,
      stream: false,
      attempts: [attempt('us-east-2')],
      usage: { inputTokens: data.usage!.input_tokens, outputTokens: data.usage!.output_tokens, cacheReadTokens: 0 },
    });
    expectTimings(record);
  });

  it('records a streamed response with the usage of response.completed', async () => {
    const { data: stream, response } = await openaiClient(env.gateway.url).responses.create({ model: 'gpt-55-bedrock', input: 'stream some words', stream: true }).withResponse();
    let usage: { input_tokens: number; output_tokens: number } | undefined;
    for await (const event of stream) if (event.type === 'response.completed') usage = event.response.usage!;
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'responses', stream: true, status: 200, usage: { inputTokens: usage!.input_tokens, outputTokens: usage!.output_tokens } });
    expectTimings(record);
  });

  it('records a stored-response lookup without usage, each probe an attempt', async () => {
    const created = await openaiClient(env.gateway.url).responses.create({ model: 'gpt-55-bedrock', input: 'store me' });
    const { response } = await openaiClient(env.gateway.url).responses.retrieve(created.id).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'responses_get', status: 200, stream: false, attempts: [attempt('us-east-2')] });
    expect(record.model).toBeUndefined();
    expect(record.usage).toBeUndefined();
  });
});

describe('request records: Anthropic Messages', () => {
  it('records a non-streamed message with input, output and cache counts', async () => {
    const { data, response } = await anthropicClient(env.gateway.url).messages.create({ model: 'claude-opus-4-7', max_tokens: 64, messages: [{ role: 'user', content: 'Hi Claude' }] }).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'messages',
      model: 'claude-opus-4-7',
      route: { ...east, upstreamModel: 'anthropic.claude-opus-4-7', apiStyle: 'mantle_anthropic_messages' },
      status: 200,
      stream: false,
      attempts: [attempt('us-east-2')],
      usage: { inputTokens: data.usage.input_tokens, outputTokens: data.usage.output_tokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    expectTimings(record);
  });

  it('records a streamed message from message_start and message_delta', async () => {
    const { data: stream, response } = await anthropicClient(env.gateway.url)
      .messages.create({ model: 'claude-opus-4-7', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'stream four words now' }] })
      .withResponse();
    let input = 0;
    let output = 0;
    for await (const event of stream) {
      if (event.type === 'message_start') input = event.message.usage.input_tokens;
      if (event.type === 'message_delta') output = event.usage.output_tokens;
    }
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'messages', stream: true, status: 200, usage: { inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(output).toBeGreaterThan(1);
    expectTimings(record);
  });

  it('records count_tokens with the count as inputTokens', async () => {
    const { data, response } = await anthropicClient(env.gateway.url).messages.countTokens({ model: 'claude-opus-4-7', messages: [{ role: 'user', content: 'count these tokens' }] }).withResponse();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'count_tokens', model: 'claude-opus-4-7', status: 200, usage: { inputTokens: data.input_tokens } });
  });
});

describe('request records: errors', () => {
  it('records a gateway-made 4xx with no upstream call', async () => {
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'not-configured', messages: [{ role: 'user', content: 'x' }] }),
    });
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id')!;
    const record = await records.of(requestId);
    expect(record).toEqual({
      requestId,
      caller: { type: 'anonymous' },
      endpoint: 'chat_completions',
      model: 'not-configured',
      status: 404,
      stream: false,
      attempts: [],
      fallback: false,
      ...timing,
      error: { type: 'not_found', message: expect.stringContaining('not-configured') },
      clientGone: false,
    });
    expect(records.modelOf(requestId)).toBe('unknown');
  });

  it('keeps the body of a request that is not JSON out of the record', async () => {
    const response = await fetch(`${env.gateway.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"secret-looking body' });
    await response.arrayBuffer();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'messages', status: 400, error: { type: 'invalid_request' } });
    expect(JSON.stringify(record)).not.toContain('secret-looking');
  });

  it('records the model list without a model', async () => {
    const response = await fetch(`${env.gateway.url}/v1/models`);
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id')!;
    const record = await records.of(requestId);
    expect(record).toMatchObject({ endpoint: 'models', status: 200, attempts: [], stream: false });
    expect(record.model).toBeUndefined();
    expect(record.route).toBeUndefined();
    expect(records.modelOf(requestId)).toBe('none');
  });

  it('records an upstream 400 as invalid_request with Mantle\'s message and request id', async () => {
    simulator(env, 'us-east-2').injectFault({ path: '/v1/chat/completions', status: 400, headers: { 'x-request-id': 'mantle-req-1' } });
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'fail' }] }),
    });
    const body = (await response.json()) as { error: { message: string } };
    const record = await records.of(response.headers.get('x-request-id'));
    expect(response.headers.get('x-request-id')).not.toBe('mantle-req-1');
    expect(record).toMatchObject({
      status: 400,
      attempts: [attempt('us-east-2', 400)],
      route: { region: 'us-east-2' },
      error: { type: 'invalid_request', message: body.error.message, upstreamRequestId: 'mantle-req-1' },
    });
    expect(record.usage).toBeUndefined();
  });

  it.each([
    [429, 429, 'rate_limited'],
    [500, 502, 'upstream_error'],
  ])('records an upstream %i on every attempt of every route as %i %s, with each attempt', async (upstreamStatus, status, type) => {
    for (const region of ['us-east-2', 'us-west-2']) simulator(env, region).injectFault({ path: '/v1/chat/completions', status: upstreamStatus, times: 3 });
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'fail' }] }),
    });
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('us-east-2: ');
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      status,
      attempts: [...Array(3).fill(attempt('us-east-2', upstreamStatus)), ...Array(3).fill(attempt('us-west-2', upstreamStatus))],
      fallback: true,
      route: { region: 'us-west-2' },
      // The caller's message ends with the request id; the record's is the error's own.
      error: { type, message: expect.stringContaining('Every route of "gpt-oss-120b" failed') },
    });
  });

  it('records Mantle\'s usage-reservation headers as quota', async () => {
    simulator(env, 'us-east-2').injectFault({
      path: '/v1/chat/completions',
      status: 200,
      body: { id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } },
      headers: { 'x-amzn-usage-reservation-quota': '1200', 'x-amzn-usage-reservation-remaining-quota': '800', 'x-amzn-usage-reservation-spillover': 'false' },
    });
    const { response } = await openaiClient(env.gateway.url).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'quota' }] }).withResponse();
    expect(response.headers.get('x-amzn-usage-reservation-quota')).toBeNull();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record.quota).toEqual({ reserved: 1200, remaining: 800, spillover: 'false' });
    expect(record.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('records a stream Mantle cut off as stream_interrupted', async () => {
    simulator(env, 'us-west-2').injectFault({ path: '/v1/chat/completions', cutAfterEvents: 2 });
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen3-32b', stream: true, messages: [{ role: 'user', content: 'cut me off please' }] }),
    });
    await response.text().catch(() => undefined);
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, stream: true, error: { type: 'stream_interrupted' } });
  });

  it('records an unreachable upstream as upstream_unreachable with the attempt', async () => {
    const sim = simulator(env, 'us-west-2');
    sim.injectFault({ path: '/v1/chat/completions', cutAfterEvents: 0, times: 3 });
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mistral-large-3', messages: [{ role: 'user', content: 'x' }] }),
    });
    await response.arrayBuffer();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      status: 502,
      attempts: Array(3).fill({ region: 'us-west-2', error: 'upstream_unreachable', ms: expect.any(Number) }),
      route: { region: 'us-west-2', upstreamModel: 'mistral.mistral-large-3-675b-instruct' },
      error: { type: 'upstream_unreachable' },
    });
  });

  it('records a caller who left mid-stream as clientGone, not as an error', async () => {
    simulator(env, 'us-west-2').injectFault({ path: '/v1/chat/completions', stallAfterEvents: 2 });
    const controller = new AbortController();
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen3-32b', stream: true, messages: [{ role: 'user', content: 'I will leave' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, stream: true, clientGone: true, attempts: [attempt('us-west-2')] });
    expect(record.error).toBeUndefined();
    expect(record.bytesOut).toBeGreaterThan(0);
  });
});
