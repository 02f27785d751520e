/**
 * `npm run simulator`: starts one Mantle simulator and prints its URL, for poking at the gateway by hand.
 *
 * Options (flags win over environment):
 *   --port / MANTLE_SIM_PORT            default 4010 (0 picks a free port)
 *   --host / MANTLE_SIM_HOST            default 127.0.0.1
 *   --region / MANTLE_SIM_REGION        default us-east-2
 *   --pacing-ms / MANTLE_SIM_PACING_MS  delay between SSE events, default 30
 *   MANTLE_SIM_BEARER_TOKENS            comma-separated API keys to accept, default `sim-bedrock-api-key`
 *   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *                                       the SigV4 identity to accept, default a fixed development identity
 *
 * @example
 * npm run simulator -- --port 4010 --region us-east-2
 */
import { parseArgs } from 'node:util';
import { startMantleSimulator } from './mantle-simulator/index.js';
import type { SimulatorCredentials } from './mantle-simulator/index.js';

const DEV_IDENTITY: SimulatorCredentials = {
  accessKeyId: 'AKIASIMULATOR0000001',
  secretAccessKey: 'simulator-secret-access-key-not-a-real-secret',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      region: { type: 'string' },
      'pacing-ms': { type: 'string' },
    },
  });
  const env = process.env;
  const port = toNumber('port', values.port ?? env['MANTLE_SIM_PORT'] ?? '4010');
  const pacingMs = toNumber('pacing-ms', values['pacing-ms'] ?? env['MANTLE_SIM_PACING_MS'] ?? '30');
  const bearerTokens = (env['MANTLE_SIM_BEARER_TOKENS'] ?? 'sim-bedrock-api-key').split(',').filter(Boolean);
  const identity = identityFromEnv() ?? DEV_IDENTITY;
  const sim = await startMantleSimulator({
    region: values.region ?? env['MANTLE_SIM_REGION'] ?? 'us-east-2',
    host: values.host ?? env['MANTLE_SIM_HOST'] ?? '127.0.0.1',
    port,
    pacingMs,
    credentials: [identity],
    bearerTokens,
  });
  // The URL comes first and alone on its line so scripts can read it; no secret is printed.
  process.stdout.write(`${sim.url}\n`);
  process.stderr.write(
    `Mantle simulator for ${sim.region}: SigV4 (service bedrock-mantle) as ${identity.accessKeyId}, ` +
      `or ${bearerTokens.length} API key(s). Ctrl-C to stop.\n`,
  );
  const stop = (): void => {
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function identityFromEnv(): SimulatorCredentials | undefined {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = process.env['AWS_SESSION_TOKEN'];
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

function toNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
