/**
 * `npm start`: the gateway on a local port, signing with your AWS credentials, routes from the environment.
 *
 * Environment:
 *   GATEWAY_CONFIG              route file, default config/gateway.yaml
 *   GATEWAY_SSM_PREFIX          read routes from SSM under this prefix instead (hot reload, as deployed)
 *   GATEWAY_CONFIG_TTL_SECONDS  with GATEWAY_SSM_PREFIX: how long a read stays fresh, default 5
 *   GATEWAY_KEYS_FILE           require gateway API keys, from this file (with GATEWAY_SSM_PREFIX: from SSM)
 *   GATEWAY_ALLOW_ANONYMOUS     1 allows serving a non-loopback HOST without caller auth
 *   PORT                        default 8787
 *   HOST                        default 127.0.0.1
 *   GATEWAY_LOG_FORMAT          pretty (default on a terminal) or compact; POWERTOOLS_LOG_LEVEL sets the level
 *
 * @example
 * GATEWAY_SSM_PREFIX=/mantle-gateway AWS_REGION=us-east-2 npm start
 */
import { startLocalServer } from '../lambda/adapters/node-server.js';
import { createAwsGateway } from '../lambda/aws-gateway.js';
import { ConfigValidationError } from '../lambda/config/validate.js';
import { configSourceFromEnvironment } from '../lambda/config-store/config-from-environment.js';
import { configureLocalLogFormat, createObservability } from '../lambda/observe/observability.js';
import { callerAuthFromEnvironment } from '../lambda/auth/callers-from-environment.js';
import { KeysFileError } from '../lambda/auth/keys-file.js';

async function main(): Promise<void> {
  configureLocalLogFormat(process.env, process.stdout.isTTY === true);
  const { logger, records } = createObservability(process.env);
  const { source, description } = await configSourceFromEnvironment(process.env, logger);
  const port = Number(process.env['PORT'] ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${JSON.stringify(process.env['PORT'])}`);
  const host = process.env['HOST'] ?? '127.0.0.1';
  const auth = callerAuthFromEnvironment({ env: process.env, host, logger });
  const server = await startLocalServer({
    gateway: createAwsGateway({ config: source, authenticate: auth.authenticate, log: logger, records }),
    port,
    host,
  });
  process.stdout.write(`mantle-gateway listening on ${server.url} (routes from ${description}; ${auth.description})\n`);
  if (auth.warning) process.stderr.write(`\n  ${auth.warning}\n\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigValidationError || error instanceof KeysFileError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`mantle-gateway: ${message}\n`);
  process.exit(1);
});
