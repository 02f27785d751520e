import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import { staticConfigSource } from '../../lambda/core/index.js';
import { createAwsGateway } from '../../lambda/aws-gateway.js';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import type { GatewayConfig } from '../../lambda/config/types.js';
import { allUpstreamRequests, anthropicClient, openaiClient, simulator, startE2E } from '../support/e2e.js';

let env: DemoEnvironment;
const extraServers: LocalServer[] = [];

beforeAll(async () => {
  env = await startE2E();
});
afterEach(() => {
  for (const sim of env.simulators.values()) sim.clearFaults();
});
afterAll(async () => {
  await Promise.all(extraServers.map((server) => server.close()));
  await env.close();
});

async function gatewayWith(config: GatewayConfig, options: { headersTimeoutMs?: number; secret?: string } = {}): Promise<string> {
  const server = await startLocalServer({
    gateway: createAwsGateway({
      config: staticConfigSource(config),
      credentials: async () => ({ ...DEMO_CREDENTIALS, secretAccessKey: options.secret ?? DEMO_CREDENTIALS.secretAccessKey }),
      ...(options.headersTimeoutMs ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    }),
  });
  extraServers.push(server);
  return server.url;
}

async function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: any }> {
  const response = await fetch(`${env.gateway.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, json: await response.json() };
}

describe('gateway-made errors', () => {
  it.each([
    ['/v1/chat/completions', 'not json', 400, 'invalid_json'],
    ['/v1/chat/completions', '[1,2]', 400, 'invalid_json'],
    ['/v1/chat/completions', '{"messages":[]}', 400, 'invalid_model'],
    ['/v1/responses', '{"model":42,"input":"x"}', 400, 'invalid_model'],
    ['/v1/chat/completions', '{"model":"gpt-4o","messages":[]}', 404, 'model_not_found'],
    ['/v1/chat/completions', '{"model":"claude-opus-4-7","messages":[]}', 400, 'unsupported_endpoint'],
    ['/v1/embeddings', '{"model":"gpt-oss-120b","input":"x"}', 404, 'unknown_endpoint'],
  ])('answers POST %s %s with %i %s in the OpenAI envelope and calls nobody', async (path, body, status, code) => {
    const before = allUpstreamRequests(env).length;
    const response = await post(path, body);
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ code, type: 'invalid_request_error', message: expect.any(String) });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it.each([
    ['/v1/messages', 'not json', 400, 'invalid_request_error'],
    ['/v1/messages', '{"max_tokens":1,"messages":[]}', 400, 'invalid_request_error'],
    ['/anthropic/v1/messages', '{"model":"gpt-oss-120b","max_tokens":1,"messages":[]}', 400, 'invalid_request_error'],
    ['/v1/messages/count_tokens', '{"model":"nope","messages":[]}', 404, 'not_found_error'],
  ])('answers POST %s %s with %i in the Anthropic envelope and calls nobody', async (path, body, status, type) => {
    const before = allUpstreamRequests(env).length;
    const response = await post(path, body);
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({ type: 'error', error: { type, message: expect.any(String) }, request_id: expect.stringMatching(/^[\w-]{16,}$/) });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it.each([
    ['GET', '/v1/chat/completions', 405],
    ['DELETE', '/v1/messages', 405],
    ['GET', '/v1/responses/bad id', 400],
    ['GET', '/v2/models', 404],
  ])('answers %s %s with %i', async (method, path, status) => {
    const response = await fetch(`${env.gateway.url}${path}`, { method });
    expect(response.status).toBe(status);
    expect(((await response.json()) as any).error.message).toEqual(expect.any(String));
  });

  // FF FE C3 inside a JSON string: request.text() would turn it into U+FFFD and forward a different body.
  const invalidUtf8 = (model: string): Buffer =>
    Buffer.concat([Buffer.from(`{"model":"${model}","max_tokens":8,"messages":[{"role":"user","content":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]);

  it.each([
    ['/v1/chat/completions', 'gpt-oss-120b', 'openai'],
    ['/v1/messages', 'claude-opus-4-7', 'anthropic'],
  ])('rejects a body that is not valid UTF-8 on %s with 400 in its envelope, calling nobody', async (path, model, surface) => {
    const before = allUpstreamRequests(env).length;
    const response = await fetch(`${env.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(invalidUtf8(model)) });
    expect(response.status).toBe(400);
    const json = (await response.json()) as any;
    if (surface === 'openai') expect(json.error).toMatchObject({ code: 'invalid_encoding', type: 'invalid_request_error', message: expect.stringContaining('UTF-8') });
    else expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('UTF-8') } });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it.each([
    ['MODEL', '{"model":"gpt-oss-120b","MODEL":"openai.gpt-5.5","messages":[{"role":"user","content":"x"}]}'],
    ['Model, before model', '{"Model":"openai.gpt-5.5","model":"gpt-oss-120b","messages":[{"role":"user","content":"x"}]}'],
    ['an escaped MODEL', '{"model":"gpt-oss-120b","\\u004dODEL":"openai.gpt-5.5","messages":[]}'],
  ])('rejects a top-level key %s that differs from model only in case, calling nobody', async (_name, body) => {
    const before = allUpstreamRequests(env).length;
    const response = await post('/v1/chat/completions', body);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'invalid_model', param: 'model', type: 'invalid_request_error' });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it('refuses stream: true on a route whose stream capability is false', async () => {
    const config: GatewayConfig = {
      ...env.config,
      models: [{ id: 'batch-only', routes: [{ ...env.config.models[1]!.routes[0]!, capabilities: { ...env.config.models[1]!.routes[0]!.capabilities, stream: false } }] }],
    };
    const client = openaiClient(await gatewayWith(config));
    const error = await client.chat.completions.create({ model: 'batch-only', stream: true, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('does not support streaming');
  });

  it('rejects a body over the function URL limit with 413', async () => {
    const response = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-oss-120b', input: 'x'.repeat(7 * 1024 * 1024) }));
    expect(response.status).toBe(413);
  });
});

describe('upstream failures', () => {
  it('passes an upstream error that no retry can mend through with its status and body', async () => {
    simulator(env, 'us-east-2').injectFault({ path: '/v1/chat/completions', status: 422, body: { error: { message: 'Unprocessable input.', type: 'invalid_request_error', code: 'unprocessable', param: null } } });
    const error = await openaiClient(env.gateway.url).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((error as InstanceType<typeof OpenAI.UnprocessableEntityError>).error).toMatchObject({ message: 'Unprocessable input.', code: 'unprocessable' });
  });

  it('answers 503 in the Anthropic envelope when Mantle keeps answering 503', async () => {
    simulator(env, 'us-east-2').injectFault({ path: '/anthropic/v1/messages', status: 503, times: 3 });
    const error = await anthropicClient(env.gateway.url).messages.create({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('passes Mantle\'s 403 through when the signature is wrong', async () => {
    const url = await gatewayWith(env.config, { secret: 'not-the-secret' });
    const error = await openaiClient(url).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('answers 502 in the caller\'s envelope when Mantle cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable: GatewayConfig = { ...env.config, providers: env.config.providers.map((provider) => ({ ...provider, endpoint: `http://127.0.0.1:${closedPort}` })) };
    const url = await gatewayWith(unreachable);
    const openaiError = await openaiClient(url).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(openaiError).toBeInstanceOf(OpenAI.InternalServerError);
    expect((openaiError as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((openaiError as Error).message).toContain('us-east-2: unreachable, unreachable, unreachable; us-west-2: unreachable');
    const anthropicError = await anthropicClient(url).messages.create({ model: 'claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it('answers 504 when Mantle does not answer in time', async () => {
    simulator(env, 'us-east-2').injectFault({ path: '/openai/v1/responses', delayMs: 2_000, times: 3 });
    const url = await gatewayWith(env.config, { headersTimeoutMs: 100 });
    const error = await openaiClient(url).responses.create({ model: 'gpt-55-bedrock', input: 'x' }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as Error).message).toContain('us-east-2: timeout, timeout, timeout');
  });
});
