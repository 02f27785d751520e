/**
 * One server of the bench, in its own process so that its CPU time and resident memory are its own: the Mantle
 * simulator, the gateway's local server (wired exactly as `npm start` wires it, routes from GATEWAY_CONFIG), or
 * the floor proxy. The parent (bench/processes.ts) talks to it over the IPC channel:
 * it sends `{ type: 'ready', url }`, answers `'usage'` with its CPU time and RSS, and exits on `'stop'`
 * (which also writes a `--cpu-prof` profile when it runs with one).
 *
 * Usage: node server-process.mjs simulator|gateway|floor '<json options>'
 */
import { callerAuthFromEnvironment } from '../lambda/auth/callers-from-environment.js';
import { startLocalServer } from '../lambda/adapters/node-server.js';
import { createAwsGateway } from '../lambda/aws-gateway.js';
import { configSourceFromEnvironment } from '../lambda/config-store/config-from-environment.js';
import { configureLocalLogFormat, createObservability } from '../lambda/observe/observability.js';
import { startMantleSimulator, type SimulatorCredentials } from '../dev/mantle-simulator/index.js';
import { startFloorProxy } from './floor-proxy.js';

export type ServerRole = 'simulator' | 'gateway' | 'floor';

export interface SimulatorRoleOptions {
  readonly region: string;
  readonly credentials: SimulatorCredentials;
  readonly benchStreamModel: string;
}

export interface FloorRoleOptions {
  readonly upstream: string;
  readonly region: string;
  readonly credentials: SimulatorCredentials;
  readonly models: Record<string, string>;
}

/** What the child reports when asked for `'usage'`. */
export interface ProcessUsage {
  readonly type: 'usage';
  /** µs since the process started */
  readonly userUs: number;
  readonly systemUs: number;
  readonly rssBytes: number;
}

async function start(role: string, options: unknown): Promise<{ url: string; close(): Promise<void> }> {
  switch (role) {
    case 'simulator': {
      const { region, credentials, benchStreamModel } = options as SimulatorRoleOptions;
      return startMantleSimulator({ region, credentials: [credentials], benchStreamModel });
    }
    case 'gateway': {
      // As dev/start.ts: request records and metrics on (compact lines, to a discarded stdout), the file named by
      // GATEWAY_CONFIG, caller keys from GATEWAY_KEYS_FILE, the default credential chain (the environment here).
      configureLocalLogFormat(process.env, false);
      const { logger, records } = createObservability(process.env);
      const { source } = await configSourceFromEnvironment(process.env, logger);
      const auth = callerAuthFromEnvironment({ env: process.env, host: '127.0.0.1', logger });
      return startLocalServer({ gateway: createAwsGateway({ config: source, authenticate: auth.authenticate, log: logger, records }) });
    }
    case 'floor':
      return startFloorProxy(options as FloorRoleOptions);
    default:
      throw new Error(`unknown role ${role}`);
  }
}

async function main(): Promise<void> {
  const [role = '', json = '{}'] = process.argv.slice(2);
  const server = await start(role, JSON.parse(json));
  const send = (message: object): void => void process.send?.(message);
  process.on('message', (message) => {
    if (message === 'usage') {
      const { user, system } = process.cpuUsage();
      send({ type: 'usage', userUs: user, systemUs: system, rssBytes: process.memoryUsage.rss() } satisfies ProcessUsage);
    } else if (message === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });
  // The parent going away (a crash, Ctrl-C) must not leave servers behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench ${process.argv[2]}: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
