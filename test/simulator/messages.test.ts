import Anthropic from '@anthropic-ai/sdk';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { API_KEY, anthropicHeaders, parseSse, send, startTestSimulator } from './helpers.js';

describe('simulated Anthropic Messages API', () => {
  let sim: MantleSimulator;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startTestSimulator();
    anthropic = new Anthropic({ apiKey: API_KEY, baseURL: `${sim.url}/anthropic`, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('answers the official client with a Bedrock message id and the model without its prefix', async () => {
    const message = await anthropic.messages.create({
      model: 'anthropic.claude-opus-4-7',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'hello claude' }],
    });
    expect(message.id).toMatch(/^msg_bdrk_/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-7',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Echo: hello claude' }],
    });
    expect(message.usage).toMatchObject({ input_tokens: 3, output_tokens: 3 });
  });

  it('accepts the client\'s API key and anthropic-version header', async () => {
    await anthropic.messages.create({
      model: 'anthropic.claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'headers' }],
    });
    const recorded = sim.requests.at(-1);
    // Recent SDKs send the key as `Authorization: Bearer`, older ones as `x-api-key`; Mantle takes both.
    expect(recorded?.identity).toBe('bearer');
    expect(recorded?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('counts the system prompt in input tokens', async () => {
    const message = await anthropic.messages.create({
      model: 'anthropic.claude-sonnet-4-6',
      max_tokens: 64,
      system: 'x'.repeat(40),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'yyyy' }] }],
    });
    expect(message.usage.input_tokens).toBe(11);
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: yyyy' }]);
  });

  it('streams events that the official stream helper assembles into the same message', async () => {
    const stream = anthropic.messages.stream({
      model: 'anthropic.claude-opus-4-7',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'stream to me' }],
    });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(['Echo:', ' stream', ' to', ' me']);
    expect(final).toMatchObject({
      model: 'claude-opus-4-7',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Echo: stream to me' }],
      usage: { output_tokens: 4 },
    });
  });

  it('sends the Anthropic event sequence with a ping after the first content block starts', async () => {
    const res = await send(sim, {
      path: '/anthropic/v1/messages',
      headers: anthropicHeaders(),
      body: JSON.stringify({
        model: 'anthropic.claude-opus-4-7',
        max_tokens: 32,
        stream: true,
        messages: [{ role: 'user', content: 'two words' }],
      }),
    });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(res.text);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => JSON.parse(e.data).type === e.event)).toBe(true);
    expect(JSON.parse(events.at(-2)?.data ?? '{}').usage).toEqual({ output_tokens: 3 });
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const message = await anthropic.messages.create({
      model: 'anthropic.claude-opus-4-7',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'one two three' }],
    });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: one' }]);
  });

  it('counts tokens for the official client', async () => {
    const count = await anthropic.messages.countTokens({
      model: 'anthropic.claude-opus-4-7',
      messages: [{ role: 'user', content: 'x'.repeat(21) }],
    });
    expect(count).toEqual({ input_tokens: 6 });
  });

  it.each([
    ['without max_tokens', { model: 'anthropic.claude-opus-4-7', messages: [{ role: 'user', content: 'x' }] }],
    ['without messages', { model: 'anthropic.claude-opus-4-7', max_tokens: 5 }],
  ])('rejects a request %s with 400 invalid_request_error', async (_name, body) => {
    const res = await send(sim, { path: '/anthropic/v1/messages', headers: anthropicHeaders(), body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('rejects count_tokens for a model that is not served on messages with 400', async () => {
    const res = await send(sim, {
      path: '/anthropic/v1/messages/count_tokens',
      headers: anthropicHeaders(),
      body: JSON.stringify({ model: 'qwen.qwen3-32b', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.json().error.message).toMatch(/isn't supported on this route/);
  });
});
