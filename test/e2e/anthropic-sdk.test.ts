import Anthropic from '@anthropic-ai/sdk';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { CALLER_KEY, anthropicClient, lastRequest, simulator, startE2E } from '../support/e2e.js';

let env: DemoEnvironment;
let client: Anthropic;

beforeAll(async () => {
  env = await startE2E();
  client = anthropicClient(env.gateway.url);
});
afterAll(() => env.close());

describe('Anthropic SDK through the gateway', () => {
  it('answers a message from the Messages surface, signed, with the caller\'s anthropic-version', async () => {
    const message = await client.messages.create({ model: 'claude-opus-4-7', max_tokens: 64, messages: [{ role: 'user', content: 'Hello Claude' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: Hello Claude' });
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.path).toBe('/anthropic/v1/messages');
    expect(JSON.parse(upstream.body).model).toBe('anthropic.claude-opus-4-7');
    expect(upstream.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(upstream.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(upstream.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(upstream.headers)).not.toContain(CALLER_KEY);
  });

  it('sends anthropic-version 2023-06-01 upstream when the caller sends none', async () => {
    const response = await fetch(`${env.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'curl' }] }),
    });
    expect(response.status).toBe(200);
    expect(lastRequest(simulator(env, 'us-east-2')).headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams message events in order', async () => {
    const stream = client.messages.stream({ model: 'claude-opus-4-7', max_tokens: 64, messages: [{ role: 'user', content: 'tell me more' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ text: 'Echo: tell me more' });
    expect(types[0]).toBe('message_start');
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(types.at(-1)).toBe('message_stop');
  });

  it('serves the beta client (?beta=true), dropping beta flags the route does not allow', async () => {
    const message = await client.beta.messages.create({
      model: 'claude-opus-4-7',
      max_tokens: 16,
      betas: ['interleaved-thinking-2025-05-14'],
      messages: [{ role: 'user', content: 'beta path' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: beta path' });
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.path).toBe('/anthropic/v1/messages');
    expect(upstream.query).toBe('');
    expect(upstream.headers['anthropic-beta']).toBeUndefined();
  });

  it('counts tokens', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-opus-4-7', messages: [{ role: 'user', content: 'Hello, Claude' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(lastRequest(simulator(env, 'us-east-2')).path).toBe('/anthropic/v1/messages/count_tokens');
  });

  it('accepts the Mantle-style /anthropic base URL', async () => {
    const message = await anthropicClient(env.gateway.url, '/anthropic').messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'alias' }] });
    expect(message.content[0]).toMatchObject({ text: 'Echo: alias' });
  });

  it('answers an unknown model with a 404 in the Anthropic envelope and no upstream call', async () => {
    const before = simulator(env, 'us-east-2').requests.length;
    const error = await client.messages.create({ model: 'claude-3-haiku', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(simulator(env, 'us-east-2').requests.length).toBe(before);
  });

  it('refuses JSON schema output on a route that declares json_schema: false', async () => {
    const error = await client.messages
      .create({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }], output_config: { format: { type: 'json_schema', schema: {} } } } as never)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('does not support JSON schema output');
  });
});
