/**
 * Bounded staleness on the deployable artifact: two instances of the CDK-bundled gateway under the real Lambda
 * runtime client read one SSM (loopback) with a 1 s TTL. After an edit made through SSM and a revision marker
 * update, the first request each instance gets TTL + 1 s later, after sitting idle since before the edit, goes
 * to the new upstream.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { parse } from 'yaml';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { toParameters } from '../../lambda/config-store/parameter-layout.js';
import { synthGatewayAsset } from '../cdk/synth-asset.js';
import { generateApiKey } from '../../lambda/auth/api-key.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';
import { runUnderRic, type LambdaUnderRic } from './run-under-ric.js';

const PREFIX = '/mantle-gateway';
const TTL_SECONDS = 1;
const MODEL = `${PREFIX}/models/gpt-oss-120b`;
/** A gateway API key with every model: the functions run in api_key mode. */
const CALLER = generateApiKey();
let outdir: string;
let ssm: SsmServer;
let instances: LambdaUnderRic[] = [];
const simulators: MantleSimulator[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'gateway-asset-'));
  const assetDir = await synthGatewayAsset(outdir);
  const document = parse(readFileSync('config/gateway.yaml', 'utf8')) as { providers: Array<Record<string, unknown>>; models: unknown[] };
  for (const provider of document.providers) {
    const simulator = await startMantleSimulator({ region: provider['region'] as string, credentials: [DEMO_CREDENTIALS] });
    simulators.push(simulator);
    provider['endpoint'] = simulator.url;
  }
  ssm = await startSsmServer();
  for (const [name, value] of toParameters(PREFIX, document)) ssm.put(name, value);
  ssm.put(
    `${PREFIX}/keys/${CALLER.keyId}`,
    JSON.stringify({ id: CALLER.keyId, name: 'freshness-test', hash: CALLER.hash, grants: ['*'], created_at: '2026-11-01T00:00:00Z' }),
    'SecureString',
  );
  ssm.put(`${PREFIX}/revision`, 'seeded');
  const env = {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: DEMO_CREDENTIALS.sessionToken!,
    GATEWAY_SSM_PREFIX: PREFIX,
    GATEWAY_CONFIG_TTL_SECONDS: String(TTL_SECONDS),
    GATEWAY_AUTH_MODE: 'api_key',
  };
  instances = await Promise.all(['a', 'b'].map((name) => runUnderRic({ taskRoot: assetDir, region: 'us-east-2', functionName: `gateway-${name}`, env })));
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await ssm?.close();
  await Promise.all(simulators.map((simulator) => simulator.close()));
  rmSync(outdir, { recursive: true, force: true });
});

/** The upstream model the simulators received for one chat completion through `instance`. */
async function upstreamModelVia(instance: LambdaUnderRic): Promise<string> {
  const client = new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: CALLER.key, maxRetries: 0 });
  const before = simulators.map((simulator) => simulator.requests.length);
  await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'which upstream?' }] });
  const received = simulators.flatMap((simulator, index) => simulator.requests.slice(before[index]));
  expect(received).toHaveLength(1);
  return (JSON.parse(received[0]!.body) as { model: string }).model;
}

describe('route config freshness under the real Lambda runtime, two instances', () => {
  it('serves an SSM edit plus a marker update on every instance within TTL + 1 s, idle or not', async () => {
    for (const instance of instances) expect(await upstreamModelVia(instance)).toBe('openai.gpt-oss-120b');

    const edited = JSON.parse(ssm.parameters.get(MODEL)!.value) as { routes: Array<Record<string, unknown>> };
    edited.routes[0]!['upstream_model'] = 'openai.gpt-oss-20b';
    ssm.put(MODEL, JSON.stringify(edited));
    ssm.put(`${PREFIX}/revision`, 'after-the-edit');
    const markedAt = Date.now();

    // Both instances sit idle (no request, so no refresh) until TTL + 1 s after the marker moved.
    await sleep(TTL_SECONDS * 1000 + 1000 - (Date.now() - markedAt));
    const checksBefore = ssm.calls()['GetParameter'] ?? 0;
    for (const instance of instances) expect(await upstreamModelVia(instance)).toBe('openai.gpt-oss-20b');
    // Each instance checked the marker once on its first request after the TTL, and only then read everything.
    expect((ssm.calls()['GetParameter'] ?? 0) - checksBefore).toBe(2);
  });
});
