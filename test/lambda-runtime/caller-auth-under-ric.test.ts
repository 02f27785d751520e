/**
 * Caller auth in the deployable artifact: the CDK-bundled asset under the real Lambda runtime, behind the
 * function URL front, once per mode. Keys and principals are written with the admin CLI into the SSM server the
 * function reads; the official SDKs call. A canary key and secret are planted and looked for in every line the
 * function logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createSigV4Fetch } from 'mantle-gateway/client';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { hashSecret } from '../../lambda/auth/api-key.js';
import { toParameters } from '../../lambda/config-store/parameter-layout.js';
import { run } from '../admin/cli-harness.js';
import { synthGatewayAsset } from '../cdk/synth-asset.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';
import type { IamIdentity } from '../support/iam-function-url.js';
import { routesWithSimulators } from './routes-with-simulators.js';
import { runUnderRic, type LambdaUnderRic } from './run-under-ric.js';

const KEYS_PREFIX = '/gw-keys';
const IAM_PREFIX = '/gw-iam';
const TTL_SECONDS = 1;
/** Planted: a key document whose secret is this, used in requests good and bad, and pasted into a bad document. */
const CANARY_ID = 'ca9a7e5a1f00d00d';
const CANARY_SECRET = 'CanarySecret' + 'f00dfeed'.repeat(6);
const CANARY_KEY = `mgw_${CANARY_ID}_${CANARY_SECRET}`;

const search: IamIdentity = {
  accessKeyId: 'ASIASEARCHRUNTIME01',
  secretAccessKey: 'search-runtime-secret',
  sessionToken: 'search-runtime-session',
  arn: 'arn:aws:sts::111122223333:assumed-role/search-app/i-0123',
  accountId: '111122223333',
};
const stranger: IamIdentity = { accessKeyId: 'AKIASTRANGERRUNTIME', secretAccessKey: 'stranger-runtime-secret', arn: 'arn:aws:iam::111122223333:user/stranger', accountId: '111122223333' };

let outdir: string;
let ssm: SsmServer;
let keyed: LambdaUnderRic;
let iam: LambdaUnderRic;
const simulators = new Map<string, MantleSimulator>();

function seedRoutes(prefix: string, document: { providers: unknown[]; models: unknown[] }): void {
  for (const [name, value] of toParameters(prefix, document)) ssm.put(name, value);
}

async function cli(...argv: string[]): Promise<string> {
  const result = await run(...argv, '--region', 'us-east-2');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return result.stdout.trimEnd().split('\n').at(-1)!;
}

function lambdaEnv(prefix: string, mode: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: DEMO_CREDENTIALS.sessionToken!,
    GATEWAY_SSM_PREFIX: prefix,
    GATEWAY_CONFIG_TTL_SECONDS: String(TTL_SECONDS),
    GATEWAY_AUTH_MODE: mode,
  };
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'gateway-auth-asset-'));
  const assetDir = await synthGatewayAsset(outdir);
  const routes = await routesWithSimulators();
  const document = routes.document;
  for (const [region, simulator] of routes.simulators) simulators.set(region, simulator);
  ssm = await startSsmServer();
  process.env['AWS_ENDPOINT_URL_SSM'] = ssm.url;
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test-secret-not-real';
  seedRoutes(KEYS_PREFIX, document);
  seedRoutes(IAM_PREFIX, document);
  ssm.put(`${KEYS_PREFIX}/keys/${CANARY_ID}`, JSON.stringify({ id: CANARY_ID, name: 'canary', hash: hashSecret(CANARY_SECRET), grants: ['qwen3-32b'], created_at: '2026-11-01T00:00:00Z' }), 'SecureString');
  // An admin who pasted the key itself where the hash belongs: refused, and logged without the value.
  ssm.put(`${KEYS_PREFIX}/keys/0000000000000bad`, JSON.stringify({ id: '0000000000000bad', name: 'pasted', hash: CANARY_KEY, grants: ['*'], created_at: '2026-11-01T00:00:00Z' }), 'SecureString');
  await cli('principals', 'put', 'search', '--arn', 'arn:aws:iam::111122223333:role/search-app', '--models', 'gpt-oss-120b', '--tags', 'anthropic', '--prefix', IAM_PREFIX);
  keyed = await runUnderRic({ taskRoot: assetDir, region: 'us-east-2', env: lambdaEnv(KEYS_PREFIX, 'api_key') });
  iam = await runUnderRic({ taskRoot: assetDir, region: 'us-east-2', env: lambdaEnv(IAM_PREFIX, 'iam'), iam: { region: 'us-east-2', identities: [search, stranger] } });
}, 180_000);

afterAll(async () => {
  await keyed?.stop();
  await iam?.stop();
  await ssm?.close();
  await Promise.all([...simulators.values()].map((sim) => sim.close()));
  rmSync(outdir, { recursive: true, force: true });
});

function upstreamCount(): number {
  return [...simulators.values()].reduce((sum, sim) => sum + sim.requests.length, 0);
}

function openai(apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey, maxRetries: 0 });
}

describe('api_key mode under the real runtime (function URL auth NONE)', () => {
  it('serves keys made with the CLI, sent as Authorization: Bearer and as x-api-key', async () => {
    const key = await cli('keys', 'create', 'runtime-app', '--models', 'gpt-oss-120b', '--tags', 'anthropic', '--prefix', KEYS_PREFIX);
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 200));
    await openai(key).models.list(); // the first request after the TTL starts the refresh
    await waitFor(async () => (await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status === 200);
    const completion = await openai(key).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'keyed runtime' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: keyed runtime');
    const anthropic = new Anthropic({ baseURL: keyed.url, apiKey: key, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'tag grant' }] });
    expect(message.content[0]).toMatchObject({ text: 'Echo: tag grant' });
    const ids: string[] = [];
    for await (const model of openai(key).models.list()) ids.push(model.id);
    // SSM orders the models by id.
    expect(ids).toEqual(['claude-opus-4-7', 'gpt-oss-120b']);
    await expect(openai(key).models.retrieve('qwen3-32b')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(openai(key).chat.completions.create({ model: 'qwen3-32b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a wrong, malformed, revoked or expired key with 401 and no upstream call', async () => {
    const revoked = await cli('keys', 'create', 'to-revoke', '--models', '*', '--prefix', KEYS_PREFIX);
    await cli('keys', 'revoke', revoked.split('_')[1]!, '--prefix', KEYS_PREFIX);
    const expiredId = 'e0000000000000e1';
    const expiredSecret = 'e'.repeat(64);
    ssm.put(`${KEYS_PREFIX}/keys/${expiredId}`, JSON.stringify({ id: expiredId, name: 'expired', hash: hashSecret(expiredSecret), grants: ['*'], expires_at: '2026-01-01T00:00:00Z', created_at: '2025-11-01T00:00:00Z' }), 'SecureString');
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 200));
    await waitFor(async () => (await fetch(`${keyed.url}/v1/models`, { headers: { 'x-api-key': revoked } })).status === 401);
    const before = upstreamCount();
    for (const [key, message] of [
      [`mgw_${CANARY_ID}_${'1'.repeat(64)}`, /Invalid API key/],
      ['not-a-gateway-key', /Invalid API key/],
      [revoked, /has been revoked/],
      [`mgw_${expiredId}_${expiredSecret}`, /has expired/],
    ] as const) {
      const error = await openai(key).chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toMatch(message);
      const anthropic = await new Anthropic({ baseURL: keyed.url, apiKey: key, maxRetries: 0 }).messages.create({ model: 'claude-opus-4-7', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
      expect(anthropic).toBeInstanceOf(Anthropic.AuthenticationError);
    }
    expect(upstreamCount()).toBe(before);
  });

  it('stops a revoked key within TTL + 1 s of the CLI exiting', async () => {
    const key = await cli('keys', 'create', 'short-lived', '--models', '*', '--prefix', KEYS_PREFIX);
    await waitFor(async () => (await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status === 200);
    await cli('keys', 'revoke', key.split('_')[1]!, '--prefix', KEYS_PREFIX);
    const exited = Date.now();
    await waitFor(async () => (await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status === 401);
    expect(Date.now() - exited).toBeLessThanOrEqual(TTL_SECONDS * 1000 + 1000);
  });

  it('uses the canary key (good, wrong model, mismatched headers) and never logs it or its secret', async () => {
    const ok = await fetch(`${keyed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CANARY_KEY}` },
      body: JSON.stringify({ model: 'qwen3-32b', messages: [{ role: 'user', content: 'canary' }] }),
    });
    expect(ok.status).toBe(200);
    await ok.text();
    const denied = await fetch(`${keyed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CANARY_KEY },
      body: JSON.stringify({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'canary' }] }),
    });
    expect(denied.status).toBe(404);
    const mismatched = await fetch(`${keyed.url}/v1/models`, { headers: { authorization: `Bearer ${CANARY_KEY}`, 'x-api-key': `mgw_${CANARY_ID}_${'2'.repeat(64)}` } });
    expect(mismatched.status).toBe(401);
    expect(await mismatched.text()).not.toContain(CANARY_SECRET);
    for (const sim of simulators.values()) expect(JSON.stringify(sim.requests.map((request) => request.headers))).not.toContain(CANARY_SECRET);

    const lines = keyed.output().split('\n');
    // The logs were captured: the refused document is there, by name.
    expect(lines.some((line) => line.includes('Key document refused') && line.includes(`${KEYS_PREFIX}/keys/0000000000000bad`))).toBe(true);
    expect(lines.filter((line) => line.includes(CANARY_SECRET) || line.includes(CANARY_KEY))).toEqual([]);
  });
});

describe('iam mode under the real runtime (function URL auth AWS_IAM), with the client helper', () => {
  const signed = (identity: IamIdentity) => createSigV4Fetch({ region: 'us-east-2', credentials: async () => identity });

  it('serves a principal with a grant through the official SDKs, streaming', async () => {
    const client = new OpenAI({ baseURL: `${iam.url}/v1`, apiKey: 'iam', fetch: signed(search), maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'iam runtime' }] })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Echo: iam runtime');
    const anthropic = new Anthropic({ baseURL: iam.url, apiKey: 'iam', fetch: signed(search), maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'iam anthropic' }] }).finalMessage();
    expect(message.content[0]).toMatchObject({ text: 'Echo: iam anthropic' });
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(['claude-opus-4-7', 'gpt-oss-120b']);
    await expect(client.chat.completions.create({ model: 'qwen3-32b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const event = iam.invocations.at(-1)!.event as unknown as { requestContext: { authorizer?: { iam?: { userArn?: string } } } };
    expect(event.requestContext.authorizer?.iam?.userArn).toBe(search.arn);
  });

  it('gives a verified caller without a principal nothing, and the front refuses unsigned requests', async () => {
    const client = new OpenAI({ baseURL: `${iam.url}/v1`, apiKey: 'iam', fetch: signed(stranger), maxRetries: 0 });
    expect((await client.models.list()).data).toEqual([]);
    await expect(client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const unsigned = await fetch(`${iam.url}/v1/models`, { headers: { authorization: `Bearer ${CANARY_KEY}` } });
    expect(unsigned.status).toBe(403);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
