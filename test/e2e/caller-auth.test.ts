/**
 * Caller auth end to end through the local server, with the official SDKs as callers and the Mantle simulator
 * behind: keys created with the CLI into a keys file (`GATEWAY_KEYS_FILE`), and IAM callers signing with the
 * client helper through an AWS_IAM function URL check.
 */
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createSigV4Fetch } from 'mantle-gateway/client';
import { startDemoEnvironment, type DemoEnvironment } from '../../dev/demo-environment.js';
import { callerAuthFromEnvironment } from '../../lambda/auth/callers-from-environment.js';
import { createAuthenticator } from '../../lambda/auth/authenticate.js';
import { staticCallerSource } from '../../lambda/auth/caller-directory.js';
import { run, TempDir } from '../admin/cli-harness.js';
import { allUpstreamRequests } from '../support/e2e.js';
import { behindIamFunctionUrl, type IamIdentity } from '../support/iam-function-url.js';

const logLines: string[] = [];
const logger = {
  error: (message: string, details: Record<string, unknown>) => void logLines.push(JSON.stringify({ level: 'error', message, ...details })),
};

async function createKey(file: string, ...flags: string[]): Promise<{ key: string; id: string }> {
  const result = await run('keys', 'create', 'e2e-app', ...flags, '--file', file);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const key = result.stdout.trimEnd().split('\n').at(-1)!;
  return { key, id: key.split('_')[1]! };
}

function openai(env: DemoEnvironment, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey, maxRetries: 0 });
}

describe('API keys through the local server (GATEWAY_KEYS_FILE)', () => {
  let dir: TempDir;
  let file: string;
  let env: DemoEnvironment;
  let all: { key: string; id: string };
  let qwenAndAnthropic: { key: string; id: string };
  let revoked: { key: string; id: string };
  let expired: { key: string; id: string };

  beforeAll(async () => {
    dir = await TempDir.create();
    file = dir.file('keys.yaml');
    all = await createKey(file, '--models', '*');
    qwenAndAnthropic = await createKey(file, '--models', 'qwen3-32b', '--tags', 'anthropic');
    revoked = await createKey(file, '--models', '*');
    expect((await run('keys', 'revoke', revoked.id, '--file', file)).code).toBe(0);
    expired = await createKey(file, '--models', '*', '--expires', '30m');
    // Rewind the expiry as if the 30 minutes had passed.
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/expires_at: .*/, 'expires_at: 2020-01-01T00:00:00.000Z'));
    const auth = callerAuthFromEnvironment({ env: { GATEWAY_KEYS_FILE: file }, host: '127.0.0.1', logger });
    expect(auth.warning).toBeUndefined();
    env = await startDemoEnvironment({ credentials: 'explicit', authenticate: auth.authenticate });
  });
  afterAll(async () => {
    await env.close();
    await dir.remove();
  });

  it('serves a good key sent as Authorization: Bearer (OpenAI SDK) and as x-api-key (Anthropic SDK)', async () => {
    const completion = await openai(env, all.key).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'keyed' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: keyed');
    const anthropic = new Anthropic({ baseURL: env.gateway.url, apiKey: qwenAndAnthropic.key, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'by tag' }] });
    expect(message.content[0]).toMatchObject({ text: 'Echo: by tag' });
    for (const request of allUpstreamRequests(env)) {
      expect(JSON.stringify(request.headers)).not.toContain(all.key.split('_')[2]);
      expect(JSON.stringify(request.headers)).not.toContain(qwenAndAnthropic.key.split('_')[2]);
    }
  });

  it.each([
    ['a wrong key', () => `mgw_${all.id}_${'0'.repeat(64)}`, /^Invalid API key/],
    ['a malformed key', () => 'sk-proj-not-a-gateway-key', /^Invalid API key/],
    ['a revoked key', () => revoked.key, /has been revoked/],
    ['an expired key', () => expired.key, /has expired/],
  ])('answers %s with 401 in each API\'s envelope, without calling upstream', async (_, key, message) => {
    const before = allUpstreamRequests(env).length;
    const error = await openai(env, key()).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', message: expect.stringMatching(message) });
    const anthropic = new Anthropic({ baseURL: env.gateway.url, apiKey: key(), maxRetries: 0 });
    const anthropicError = await anthropic.messages.create({ model: 'claude-opus-4-7', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(anthropicError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropicError as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it('answers a request without any key with 401, on GET /v1/models too (OpenAI envelope)', async () => {
    const response = await fetch(`${env.gateway.url}/v1/models`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
  });

  it('treats a model outside the grants as unknown, on inference and on GET /v1/models/{id}', async () => {
    const client = openai(env, qwenAndAnthropic.key);
    const before = allUpstreamRequests(env).length;
    const denied = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    const unknown = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(OpenAI.NotFoundError);
    expect((denied as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      ...(unknown as InstanceType<typeof OpenAI.NotFoundError>).error as object,
      message: ((unknown as Error & { error: { message: string } }).error.message).replace('no-such-model', 'gpt-oss-120b'),
    });
    await expect(client.models.retrieve('gpt-oss-120b')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client.models.retrieve('qwen3-32b')).id).toBe('qwen3-32b');
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it('lists only the models the caller may use (tag grants included), with both SDKs', async () => {
    const ids: string[] = [];
    for await (const model of openai(env, qwenAndAnthropic.key).models.list()) ids.push(model.id);
    expect(ids).toEqual(['claude-opus-4-7', 'qwen3-32b']);
    const anthropicIds: string[] = [];
    for await (const model of new Anthropic({ baseURL: env.gateway.url, apiKey: qwenAndAnthropic.key, maxRetries: 0 }).models.list()) anthropicIds.push(model.id);
    expect(anthropicIds).toEqual(['claude-opus-4-7', 'qwen3-32b']);
    const everything: string[] = [];
    for await (const model of openai(env, all.key).models.list()) everything.push(model.id);
    expect(everything).toEqual(env.config.models.map((model) => model.id));
  });

  it('asks for stored responses only on upstreams the caller reaches through a granted Responses model', async () => {
    const stored = await openai(env, all.key).responses.create({ model: 'gpt-55-bedrock', input: 'keep me' });
    expect((await openai(env, all.key).responses.retrieve(stored.id)).id).toBe(stored.id);
    const before = allUpstreamRequests(env).length;
    const error = await openai(env, qwenAndAnthropic.key).responses.retrieve(stored.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ code: 'response_not_found' });
    await expect(openai(env, qwenAndAnthropic.key).responses.delete(stored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(openai(env, qwenAndAnthropic.key).responses.cancel(stored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(allUpstreamRequests(env).length).toBe(before);
  });

  it('stops a revoked key within the file check interval (1 s) of the CLI exiting', async () => {
    const doomed = await createKey(file, '--models', '*');
    await sleep(1100);
    const client = openai(env, doomed.key);
    expect((await client.models.list()).data.length).toBeGreaterThan(0);
    expect((await run('keys', 'revoke', doomed.id, '--file', file)).code).toBe(0);
    const exited = Date.now();
    let refusedAfter: number | undefined;
    while (refusedAfter === undefined && Date.now() - exited < 3000) {
      const status = await fetch(`${env.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${doomed.key}` } }).then((response) => response.status);
      if (status === 401) refusedAfter = Date.now() - exited;
      else await sleep(50);
    }
    expect(refusedAfter).toBeDefined();
    expect(refusedAfter!).toBeLessThanOrEqual(2000);
  });

  it('logs no key, no secret and no hash', () => {
    const text = logLines.join('\n');
    for (const { key } of [all, qwenAndAnthropic, revoked, expired]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.split('_')[2]);
    }
  });
});

describe('IAM callers through an AWS_IAM front, with the client helper and the official SDKs', () => {
  const search: IamIdentity = {
    accessKeyId: 'ASIASEARCHAPP000001',
    secretAccessKey: 'search-app-secret-for-tests',
    sessionToken: 'search-app-session-token',
    arn: 'arn:aws:sts::111122223333:assumed-role/search-app/session-1',
    accountId: '111122223333',
  };
  const stranger: IamIdentity = { accessKeyId: 'AKIASTRANGER0000001', secretAccessKey: 'stranger-secret-for-tests', arn: 'arn:aws:iam::111122223333:user/stranger', accountId: '111122223333' };
  let env: DemoEnvironment;
  const signed = (identity: IamIdentity) => createSigV4Fetch({ region: 'us-east-2', credentials: async () => identity });

  beforeAll(async () => {
    const callers = staticCallerSource({ keys: [], principals: [{ name: 'search', arns: ['arn:aws:iam::111122223333:role/search-app'], grants: ['gpt-oss-120b', 'tag:anthropic'] }] });
    env = await startDemoEnvironment({
      credentials: 'explicit',
      authenticate: createAuthenticator({ mode: 'iam', callers }),
      front: (gateway) => behindIamFunctionUrl(gateway, { region: 'us-east-2', identities: [search, stranger] }),
    });
  });
  afterAll(() => env.close());

  it('lets a principal with a grant stream chat (OpenAI SDK) and messages (Anthropic SDK)', async () => {
    const client = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: 'iam', fetch: signed(search), maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'signed for lambda' }] })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Echo: signed for lambda');
    const anthropic = new Anthropic({ baseURL: env.gateway.url, apiKey: 'iam', fetch: signed(search), maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'iam stream' }] }).finalMessage();
    expect(message.content[0]).toMatchObject({ text: 'Echo: iam stream' });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['gpt-oss-120b', 'claude-opus-4-7']);
    const upstream = allUpstreamRequests(env).at(-1)!;
    expect(JSON.stringify(upstream.headers)).not.toContain(search.accessKeyId);
  });

  it('gives a verified caller no principal grants nothing: every model is unknown, the list empty', async () => {
    const client = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: 'iam', fetch: signed(stranger), maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client.models.list()).data).toEqual([]);
  });

  it('is refused by the front when the body differs from the signed payload hash, or the service is not lambda', async () => {
    const tamper: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, body: JSON.stringify({ model: 'gpt-oss-120b', messages: [] }) });
    const tampered = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: 'iam', fetch: createSigV4Fetch({ region: 'us-east-2', credentials: async () => search, fetch: tamper }), maxRetries: 0 });
    await expect(tampered.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403 });
    const wrongService = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: 'iam', fetch: createSigV4Fetch({ region: 'us-east-2', service: 'execute-api', credentials: async () => search }), maxRetries: 0 });
    await expect(wrongService.models.list()).rejects.toMatchObject({ status: 403 });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
