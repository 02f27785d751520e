/**
 * The bench's world on loopback: one simulated Mantle region, the gateway's local server in front of it (routes
 * from a generated file, signing through the default credential chain, here the environment), and the floor
 * proxy, each in its own process; plus the three ways (legs) a client reaches the simulator.
 */
import { generateApiKey, type NewApiKey } from '../lambda/auth/api-key.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatorCredentials } from '../dev/mantle-simulator/index.js';
import { FloorSigner } from './floor-sigv4.js';
import type { BenchRequest } from './http-client.js';
import { bundleServers, startServerProcess, type ServerBundle, type ServerProcess, type StartOptions } from './processes.js';

export const BENCH_REGION = 'us-east-2';
/** Not an AWS credential: the identity the bench's simulator accepts. */
export const BENCH_CREDENTIALS: SimulatorCredentials = {
  accessKeyId: 'AKIAMANTLEGATEWAYBENCH',
  secretAccessKey: 'bench-secret-access-key-known-to-the-simulator',
  sessionToken: 'bench-session-token',
};

/** Gateway model id to upstream model id: a small chat model and the simulator's generated stream. */
export const BENCH_MODELS = {
  'bench-chat': 'openai.gpt-oss-120b',
  'bench-stream': 'sim.bench-stream',
} as const;
export type BenchModel = keyof typeof BENCH_MODELS;

export type LegName = 'direct' | 'gateway' | 'floor';
export const LEGS: readonly LegName[] = ['direct', 'gateway', 'floor'];

export interface BenchEnvironment {
  readonly simulator: ServerProcess;
  readonly gateway: ServerProcess;
  readonly floor: ServerProcess;
  /** The servers' bundled entry (gone after close()); profiles point into it. */
  readonly bundleFile: string;
  /** A chat completions request on a leg; `body.model` is a gateway model id (the direct leg swaps and signs). */
  request(leg: LegName, body: { model: BenchModel } & Record<string, unknown>): BenchRequest;
  close(): Promise<void>;
}

export interface EnvironmentOptions {
  /** Node flags for the gateway process, e.g. `--cpu-prof`. */
  readonly gatewayNodeArgs?: readonly string[];
  /** Where a gateway `--cpu-prof` profile lands. */
  readonly gatewayCwd?: string;
}

export async function startBenchEnvironment(options: EnvironmentOptions = {}): Promise<BenchEnvironment> {
  const bundle = await bundleServers();
  const dir = await mkdtemp(join(tmpdir(), 'mantle-bench-config-'));
  const started: ServerProcess[] = [];
  try {
    const simulator = await startServerProcess(bundle, 'simulator', { region: BENCH_REGION, credentials: BENCH_CREDENTIALS, benchStreamModel: BENCH_MODELS['bench-stream'] });
    started.push(simulator);
    const configFile = join(dir, 'gateway.yaml');
    await writeFile(configFile, routeConfig(simulator.url));
    // Caller auth on, as `npm start` with GATEWAY_KEYS_FILE and every deployment: the gateway leg presents a key.
    const key = generateApiKey();
    const keysFile = join(dir, 'keys.yaml');
    await writeFile(keysFile, keysFileFor(key));
    const gateway = await startGateway(bundle, configFile, keysFile, options);
    started.push(gateway);
    const floor = await startServerProcess(bundle, 'floor', { upstream: simulator.url, region: BENCH_REGION, credentials: BENCH_CREDENTIALS, models: BENCH_MODELS });
    started.push(floor);
    return environment(simulator, gateway, floor, bundle.entry, key.key, async () => {
      await Promise.all(started.map((server) => server.stop()));
      await Promise.all([bundle.remove(), rm(dir, { recursive: true, force: true })]);
    });
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    await bundle.remove();
    throw error;
  }
}

function startGateway(bundle: ServerBundle, configFile: string, keysFile: string, options: EnvironmentOptions): Promise<ServerProcess> {
  const start: StartOptions = {
    env: {
      GATEWAY_CONFIG: configFile,
      GATEWAY_KEYS_FILE: keysFile,
      AWS_REGION: BENCH_REGION,
      AWS_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: BENCH_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: BENCH_CREDENTIALS.sessionToken ?? '',
      AWS_EC2_METADATA_DISABLED: 'true',
      NODE_ENV: 'production',
    },
    ...(options.gatewayNodeArgs ? { nodeArgs: options.gatewayNodeArgs } : {}),
    ...(options.gatewayCwd ? { cwd: options.gatewayCwd } : {}),
  };
  return startServerProcess(bundle, 'gateway', {}, start);
}

function environment(simulator: ServerProcess, gateway: ServerProcess, floor: ServerProcess, bundleFile: string, apiKey: string, close: () => Promise<void>): BenchEnvironment {
  const signer = new FloorSigner(BENCH_CREDENTIALS, BENCH_REGION);
  const simulatorHost = new URL(simulator.url).host;
  const path = '/v1/chat/completions';
  return {
    simulator,
    gateway,
    floor,
    bundleFile,
    close,
    request(leg, body) {
      if (leg === 'gateway') return { url: `${gateway.url}${path}`, headers: { authorization: `Bearer ${apiKey}` }, body: Buffer.from(JSON.stringify(body)) };
      if (leg === 'floor') return { url: `${floor.url}${path}`, headers: {}, body: Buffer.from(JSON.stringify(body)) };
      const signedBody = Buffer.from(JSON.stringify({ ...body, model: BENCH_MODELS[body.model] }));
      return { url: `${simulator.url}${path}`, headers: signer.sign({ method: 'POST', host: simulatorHost, path, body: signedBody }), body: signedBody };
    },
  };
}

/** One key granted every model, as `npx mantle-gateway keys create --file` writes it. */
function keysFileFor(key: NewApiKey): string {
  return `keys:\n  - id: ${key.keyId}\n    name: bench\n    hash: ${key.hash}\n    grants: ['*']\n    created_at: '2026-12-01T00:00:00Z'\n`;
}

function routeConfig(simulatorUrl: string): string {
  const provider = `providers:\n  - id: bench-simulator\n    type: aws_bedrock\n    region: ${BENCH_REGION}\n    endpoint: ${simulatorUrl}\n    auth:\n      mode: default_chain\n`;
  const models = Object.entries(BENCH_MODELS)
    .map(
      ([id, upstream]) =>
        `  - id: ${id}\n    routes:\n      - provider: bench-simulator\n        upstream_model: ${upstream}\n` +
        `        compatibility:\n          aws_bedrock:\n            api_style: mantle_openai_chat\n            openai_base_path: /v1\n`,
    )
    .join('');
  return `${provider}models:\n${models}`;
}
