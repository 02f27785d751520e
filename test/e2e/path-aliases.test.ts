import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { createAwsGateway } from '../../lambda/aws-gateway.js';
import { staticConfigSource } from '../../lambda/core/index.js';
import type { GatewayConfig } from '../../lambda/config/types.js';
import { CALLER_KEY, allUpstreamRequests, anthropicClient, lastRequest, openaiClient, simulator, startE2E } from '../support/e2e.js';

/**
 * The surface (upstream headers, auth placement, error envelope) follows the operation, never the path prefix:
 * `/v1` serves every operation, `/openai/v1` the OpenAI ones, `/anthropic/v1` the Anthropic ones, and both
 * prefixes serve the model list. A prefix that names the other surface is a 404 in the operation's envelope.
 */
let env: DemoEnvironment;

beforeAll(async () => {
  env = await startE2E();
});
afterAll(() => env.close());

describe('Mantle-style base URLs with the official SDKs', () => {
  it('serves Messages on the /anthropic base URL with the Anthropic headers', async () => {
    const message = await anthropicClient(env.gateway.url, '/anthropic').messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'alias' }] });
    expect(message.content[0]).toMatchObject({ text: 'Echo: alias' });
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.path).toBe('/anthropic/v1/messages');
    expect(upstream.headers['anthropic-version']).toEqual(expect.any(String));
  });

  it('serves chat on the /openai/v1 base URL without Anthropic headers', async () => {
    const completion = await openaiClient(env.gateway.url, '/openai/v1').chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'alias' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: alias');
    expect(lastRequest(simulator(env, 'us-east-2')).headers['anthropic-version']).toBeUndefined();
  });

  it('lists models on the /anthropic base URL', async () => {
    const ids: string[] = [];
    for await (const model of anthropicClient(env.gateway.url, '/anthropic').models.list()) ids.push(model.id);
    expect(ids).toContain('claude-opus-4-7');
  });

  it('answers Messages on the /openai/v1 prefix with a 404 in the Anthropic envelope, calling nobody', async () => {
    const before = allUpstreamRequests(env).length;
    const error = await anthropicClient(env.gateway.url, '/openai')
      .messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('/anthropic/v1/messages') } });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it.each([
    ['chat', (client: OpenAI) => client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] })],
    ['responses', (client: OpenAI) => client.responses.create({ model: 'gpt-55-bedrock', input: 'x' })],
  ])('answers OpenAI %s on the /anthropic/v1 prefix with a 404 in the OpenAI envelope, calling nobody', async (_name, call) => {
    const before = allUpstreamRequests(env).length;
    const error = await call(openaiClient(env.gateway.url, '/anthropic/v1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('unknown_endpoint');
    expect(allUpstreamRequests(env).length).toBe(before);
  });
});

describe('a bearer-auth provider on each surface', () => {
  const TOKEN = 'bedrock-api-key-for-alias-tests';
  let sim: MantleSimulator;
  let gateway: LocalServer;

  beforeAll(async () => {
    sim = await startMantleSimulator({ region: 'us-east-2', credentials: [], bearerTokens: [TOKEN] });
    const config: GatewayConfig = {
      ...env.config,
      providers: env.config.providers.map((provider) => ({ ...provider, endpoint: sim.url, auth: { mode: 'bearer', token: { source: 'env', name: 'ALIAS_TEST_BEDROCK_KEY' } } })),
    };
    process.env['ALIAS_TEST_BEDROCK_KEY'] = TOKEN;
    gateway = await startLocalServer({ gateway: createAwsGateway({ config: staticConfigSource(config), credentials: async () => { throw new Error('bearer routes must not sign'); } }) });
  });
  afterAll(async () => {
    delete process.env['ALIAS_TEST_BEDROCK_KEY'];
    await gateway.close();
    await sim.close();
  });

  it('sends x-api-key on Messages and Bearer on OpenAI operations, whatever the base URL', async () => {
    await anthropicClient(gateway.url, '/anthropic').messages.create({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    expect(lastRequest(sim).headers).toMatchObject({ 'x-api-key': TOKEN });
    expect(lastRequest(sim).headers['authorization']).toBeUndefined();

    await openaiClient(gateway.url, '/openai/v1').chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] });
    expect(lastRequest(sim).headers).toMatchObject({ authorization: `Bearer ${TOKEN}` });
    expect(lastRequest(sim).headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(lastRequest(sim).headers)).not.toContain(CALLER_KEY);
  });

  it('never sends the key of one surface on the other surface\'s path', async () => {
    const before = sim.requests.length;
    await openaiClient(gateway.url, '/anthropic/v1').chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await anthropicClient(gateway.url, '/openai').messages.create({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    expect(sim.requests.length).toBe(before);
  });
});
