import { loadConfigFile } from '../lambda/config/load-config-file.js';
import type { GatewayConfig } from '../lambda/config/types.js';
import { staticConfigSource, type Gateway } from '../lambda/core/index.js';
import type { Authenticate } from '../lambda/auth/authenticate.js';
import { createAwsGateway } from '../lambda/aws-gateway.js';
import { startLocalServer, type LocalServer } from '../lambda/adapters/node-server.js';
import type { RequestRecordSink } from '../lambda/observe/request-record.js';
import { startMantleSimulator, type MantleSimulator, type SimulatorCredentials } from './mantle-simulator/index.js';

/** The identity the demo's simulators accept and its gateway signs with: not an AWS credential. */
export const DEMO_CREDENTIALS: SimulatorCredentials = {
  accessKeyId: 'AKIAMANTLEGATEWAYDEMO',
  secretAccessKey: 'demo-secret-access-key-known-to-the-simulator',
  sessionToken: 'demo-session-token',
};

export interface DemoEnvironment {
  readonly gateway: LocalServer;
  /** One simulator per region the config targets, keyed by region. */
  readonly simulators: ReadonlyMap<string, MantleSimulator>;
  readonly config: GatewayConfig;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** @default 'config/gateway.yaml' */
  readonly configFile?: string;
  /** @default 0 (ephemeral) */
  readonly port?: number;
  /** Delay between simulated SSE events. @default 0 */
  readonly pacingMs?: number;
  /** How the gateway gets AWS credentials. @default the default chain (the demo puts DEMO_CREDENTIALS in the environment) */
  readonly credentials?: 'default_chain' | 'explicit';
  /** Where the gateway writes its request records. @default none */
  readonly records?: RequestRecordSink;
  /** Caller auth. @default none (the demo: loopback only, says so at start-up) */
  readonly authenticate?: Authenticate;
  /** What stands in front of the gateway, e.g. a test's AWS_IAM function URL check. @default nothing */
  readonly front?: (gateway: Gateway) => Gateway;
}

/**
 * The real gateway (local server adapter, SigV4 signer, credential chain, route config from the file) in front of
 * one Mantle simulator per region: only the upstream is simulated. Used by `npm run demo` and the end-to-end tests.
 */
export async function startDemoEnvironment(options: DemoOptions = {}): Promise<DemoEnvironment> {
  const fileConfig = await loadConfigFile(options.configFile ?? 'config/gateway.yaml');
  const regions = [...new Set(fileConfig.providers.map((provider) => provider.region))];
  const simulators = new Map<string, MantleSimulator>();
  for (const region of regions) {
    simulators.set(region, await startMantleSimulator({ region, credentials: [DEMO_CREDENTIALS], pacingMs: options.pacingMs ?? 0 }));
  }
  const config: GatewayConfig = {
    ...fileConfig,
    providers: fileConfig.providers.map((provider) => ({ ...provider, endpoint: simulators.get(provider.region)!.url })),
  };
  const gateway = createAwsGateway({
    config: staticConfigSource(config),
    ...(options.credentials === 'explicit' ? { credentials: async () => DEMO_CREDENTIALS } : {}),
    ...(options.records ? { records: options.records } : {}),
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
  });
  const served = options.front ? options.front(gateway) : gateway;
  const server = await startLocalServer({ gateway: served, ...(options.port !== undefined ? { port: options.port } : {}) });
  return {
    gateway: server,
    simulators,
    config,
    close: async () => {
      await server.close();
      await Promise.all([...simulators.values()].map((simulator) => simulator.close()));
    },
  };
}
