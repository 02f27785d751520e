/**
 * `npm run demo`: the gateway on http://127.0.0.1:8787 in front of a built-in Mantle simulator (one per region
 * of config/gateway.yaml). No AWS account needed: the gateway signs with a demo identity the simulator knows,
 * through the same AWS default credential chain a deployment uses.
 *
 * Environment: PORT (default 8787), GATEWAY_CONFIG (default config/gateway.yaml), MANTLE_SIM_PACING_MS (default 40),
 * GATEWAY_LOG_FORMAT (pretty or compact). Each request prints its request record and EMF metric lines.
 */
import { configureLocalLogFormat, createObservability } from '../lambda/observe/observability.js';
import { DEMO_CREDENTIALS, startDemoEnvironment } from './demo-environment.js';

// The default chain reads these first; they exist only in this process.
process.env['AWS_ACCESS_KEY_ID'] = DEMO_CREDENTIALS.accessKeyId;
process.env['AWS_SECRET_ACCESS_KEY'] = DEMO_CREDENTIALS.secretAccessKey;
process.env['AWS_SESSION_TOKEN'] = DEMO_CREDENTIALS.sessionToken ?? '';
delete process.env['AWS_BEARER_TOKEN_BEDROCK'];

configureLocalLogFormat(process.env, process.stdout.isTTY === true);
const { records } = createObservability(process.env);
const port = Number(process.env['PORT'] ?? 8787);
const demo = await startDemoEnvironment({
  port,
  records,
  pacingMs: Number(process.env['MANTLE_SIM_PACING_MS'] ?? 40),
  ...(process.env['GATEWAY_CONFIG'] ? { configFile: process.env['GATEWAY_CONFIG'] } : {}),
});

const models = demo.config.models.map((model) => model.id).join(', ');
console.log(`mantle-gateway demo listening on ${demo.gateway.url}`);
console.log('  caller auth: none (demo, loopback only): any API key or none is accepted, and none is forwarded');
for (const [region, simulator] of demo.simulators) console.log(`  simulated Mantle ${region}: ${simulator.url}`);
console.log(`  models: ${models}`);
console.log(`  try: curl -N ${demo.gateway.url}/v1/chat/completions -H 'content-type: application/json' \\
        -d '{"model":"gpt-oss-120b","stream":true,"messages":[{"role":"user","content":"Hello from the demo"}]}'`);

const stop = async (): Promise<void> => {
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
