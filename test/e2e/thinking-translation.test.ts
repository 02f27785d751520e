import type Anthropic from '@anthropic-ai/sdk';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { anthropicClient, lastRequest, simulator, startE2E } from '../support/e2e.js';

let env: DemoEnvironment;
let client: Anthropic;

beforeAll(async () => {
  env = await startE2E();
  client = anthropicClient(env.gateway.url);
});
afterAll(() => env.close());

/** The body Mantle received for the last call, parsed, and as text. */
function upstreamBody(): { json: Record<string, unknown>; text: string } {
  const request = lastRequest(simulator(env, 'us-east-2'));
  return { json: JSON.parse(request.body) as Record<string, unknown>, text: request.body };
}

const messages = [{ role: 'user' as const, content: 'plan the migration' }];

describe('classic thinking on the adaptive-only Claude Opus 4.7 route', () => {
  it.each([
    [1_024, 'low'],
    [4_096, 'medium'],
    [16_384, 'high'],
    [32_768, 'max'],
  ])('sends budget_tokens %i as adaptive thinking with effort %s', async (budget, effort) => {
    const message = await client.messages.create({
      model: 'claude-opus-4-7',
      max_tokens: 16_000,
      thinking: { type: 'enabled', budget_tokens: budget },
      messages,
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: plan the migration' });
    const { json } = upstreamBody();
    expect(json).toEqual({
      model: 'anthropic.claude-opus-4-7',
      max_tokens: 16_000,
      thinking: { type: 'adaptive' },
      output_config: { effort },
      messages,
    });
  });

  it('sends disabled thinking without thinking and without output_config', async () => {
    await client.messages.create({ model: 'claude-opus-4-7', max_tokens: 256, thinking: { type: 'disabled' }, messages });
    const { json } = upstreamBody();
    expect(json).toEqual({ model: 'anthropic.claude-opus-4-7', max_tokens: 256, messages });
    expect('thinking' in json).toBe(false);
    expect('output_config' in json).toBe(false);
  });

  it('keeps the caller\'s effort and streams the answer through unchanged', async () => {
    const stream = await client.messages.create({
      model: 'claude-opus-4-7',
      max_tokens: 1_000,
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 50_000 },
      output_config: { effort: 'low' },
      messages,
    } as unknown as Anthropic.MessageCreateParamsStreaming);
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe('Echo: plan the migration');
    expect(upstreamBody().json).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, stream: true });
  });

  it('rewrites count_tokens the same way', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-opus-4-7', thinking: { type: 'enabled', budget_tokens: 8_000 }, messages });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const request = lastRequest(simulator(env, 'us-east-2'));
    expect(request.path).toBe('/anthropic/v1/messages/count_tokens');
    expect(JSON.parse(request.body)).toEqual({ model: 'anthropic.claude-opus-4-7', thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, messages });
  });

  it('changes no byte outside model, thinking and output_config', async () => {
    const text = '{"max_tokens": 100, "temperature": 1.0, "messages": [{"role": "user", "content": "caf\\u00e9 \\"quoted\\""}], "model": "claude-opus-4-7", "thinking": {"type": "enabled", "budget_tokens": 3000}, "metadata": {"user_id": "u-1"}}';
    const response = await fetch(`${env.gateway.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    expect(response.status).toBe(200);
    expect(upstreamBody().text).toBe(
      '{"max_tokens": 100, "temperature": 1.0, "messages": [{"role": "user", "content": "caf\\u00e9 \\"quoted\\""}], "model": "anthropic.claude-opus-4-7", "thinking": {"type":"adaptive"}, "metadata": {"user_id": "u-1"},"output_config":{"effort":"low"}}',
    );
  });

  it('answers a malformed budget with an Anthropic-shaped 400 and no upstream call', async () => {
    const before = simulator(env, 'us-east-2').requests.length;
    const response = await fetch(`${env.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-opus-4-7', max_tokens: 10, thinking: { type: 'enabled' }, messages }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('thinking.budget_tokens') } });
    expect(simulator(env, 'us-east-2').requests.length).toBe(before);
  });

  it('leaves adaptive thinking as sent', async () => {
    await client.messages.create({ model: 'claude-opus-4-7', max_tokens: 64, thinking: { type: 'adaptive' }, messages } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    expect(upstreamBody().json).toEqual({ model: 'anthropic.claude-opus-4-7', max_tokens: 64, thinking: { type: 'adaptive' }, messages });
  });
});
