/**
 * The cold start a caller feels: fresh `node` processes each import the Lambda asset (as `cdk synth` bundles it)
 * and serve one function URL request, the chat completion of a configured model, through the handler the runtime
 * would call. The store has nothing yet, so that request reads the route configuration from a loopback SSM server
 * (the revision marker, then every sub-path) before it signs and calls the Mantle simulator: init work moved to the
 * first request shows up here, not in the module init figure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { DEMO_CREDENTIALS } from '../dev/demo-environment.js';
import { generateApiKey } from '../lambda/auth/api-key.js';
import { startMantleSimulator } from '../dev/mantle-simulator/index.js';
import { toParameters, type ConfigDocument } from '../lambda/config-store/parameter-layout.js';
import { startSsmServer } from '../test/support/ssm-server.js';
import { synthGatewayAsset } from '../test/cdk/synth-asset.js';
import { median } from './http-client.js';

export interface FirstRequestResult {
  /** Median time of the dynamic `import()` of the bundle, inside the process (module init without node start-up). */
  readonly importMs: number;
  /** Median time from the handler call to the end of the streamed answer, on a store that has read nothing yet. */
  readonly firstRequestMs: number;
  /** The same request again in the same process: what a warm request costs, for comparison. */
  readonly secondRequestMs: number;
  /** SSM calls the first request made (marker, sub-path pages). */
  readonly ssmCallsPerColdStart: number;
}

const PREFIX = '/mantle-gateway';

/**
 * Runs in each fresh process: stubs the `awslambda` global, imports the bundle, sends the request twice and
 * prints the timings as JSON. The response stream sends its prelude on the first write, like the runtime's.
 */
function childScript(bundleUrl: string, callerKey: string): string {
  return `
const { Writable } = await import('node:stream');
globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream, prelude) => {
  stream.prelude = prelude; return stream; } } };
const started = performance.now();
const { handler } = await import(${JSON.stringify(bundleUrl)});
const imported = performance.now();
const body = JSON.stringify({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'first request' }] });
const invoke = async (id) => {
  const chunks = [];
  const stream = new Writable({ write(chunk, _encoding, callback) { chunks.push(chunk); callback(); } });
  const finished = new Promise((resolve, reject) => { stream.on('finish', resolve); stream.on('error', reject); });
  const event = { rawPath: '/v1/chat/completions', rawQueryString: '', headers: { 'content-type': 'application/json', host: 'bench.lambda-url.us-east-2.on.aws', authorization: ${JSON.stringify(`Bearer ${callerKey}`)} },
    body, isBase64Encoded: false, requestContext: { domainName: 'bench.lambda-url.us-east-2.on.aws', requestId: id, http: { method: 'POST', path: '/v1/chat/completions', sourceIp: '127.0.0.1' } } };
  const begun = performance.now();
  await handler(event, stream, { awsRequestId: id, functionName: 'bench', getRemainingTimeInMillis: () => 900000 });
  await finished;
  const ms = performance.now() - begun;
  const text = Buffer.concat(chunks).toString('utf8');
  if (stream.prelude?.statusCode !== 200 || !text.includes('Echo: first request')) throw new Error('unexpected answer: ' + JSON.stringify(stream.prelude) + ' ' + text.slice(0, 300));
  return ms;
};
const first = await invoke('bench-1');
const second = await invoke('bench-2');
process.stdout.write('\\nFIRST-REQUEST ' + JSON.stringify({ importMs: imported - started, firstRequestMs: first, secondRequestMs: second }) + '\\n');
`;
}

/** @param bundleFile an `index.mjs` to run instead of the one `cdk synth` bundles now (to compare two builds) */
export async function measureFirstRequest(samples: number, bundleFile?: string): Promise<FirstRequestResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'mantle-bench-first-'));
  const home = mkdtempSync(join(tmpdir(), 'mantle-bench-home-'));
  const simulator = await startMantleSimulator({ region: 'us-east-2', credentials: [DEMO_CREDENTIALS] });
  const ssm = await startSsmServer();
  try {
    const document = parse(readFileSync(new URL('../config/gateway.yaml', import.meta.url), 'utf8')) as ConfigDocument;
    // Every provider to the one simulator: only the first request's route matters here.
    const providers = document.providers.map((provider) => ({ ...provider, endpoint: simulator.url }));
    for (const [name, value] of toParameters(PREFIX, { ...document, providers })) ssm.put(name, value);
    // The function runs in api_key mode, as deployed by default: the first request also reads and checks its key.
    const caller = generateApiKey();
    ssm.put(`${PREFIX}/keys/${caller.keyId}`, JSON.stringify({ id: caller.keyId, name: 'bench', hash: caller.hash, grants: ['*'], created_at: '2026-11-01T00:00:00Z' }));
    ssm.put(`${PREFIX}/revision`, 'bench-1');
    const bundle = bundleFile ?? join(await synthGatewayAsset(outdir), 'index.mjs');
    const script = childScript(pathToFileURL(bundle).href, caller.key);
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      AWS_REGION: 'us-east-2',
      AWS_DEFAULT_REGION: 'us-east-2',
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      ...(DEMO_CREDENTIALS.sessionToken ? { AWS_SESSION_TOKEN: DEMO_CREDENTIALS.sessionToken } : {}),
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_LAMBDA_FUNCTION_NAME: 'mantle-gateway-bench',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      GATEWAY_SSM_PREFIX: PREFIX,
      GATEWAY_AUTH_MODE: 'api_key',
      POWERTOOLS_SERVICE_NAME: 'mantle-gateway',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const runs: Array<{ importMs: number; firstRequestMs: number; secondRequestMs: number }> = [];
    let ssmCalls = 0;
    await runChild(script, env); // warms the file cache
    for (let index = 0; index < samples; index += 1) {
      const before = ssm.requests.length;
      runs.push(await runChild(script, env));
      ssmCalls = ssm.requests.length - before;
    }
    return {
      importMs: median(runs.map((run) => run.importMs)),
      firstRequestMs: median(runs.map((run) => run.firstRequestMs)),
      secondRequestMs: median(runs.map((run) => run.secondRequestMs)),
      ssmCallsPerColdStart: ssmCalls,
    };
  } finally {
    await ssm.close();
    await simulator.close();
    rmSync(outdir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

/** Asynchronous on purpose: this process serves the SSM server and the simulator the child calls. */
function runChild(script: string, env: NodeJS.ProcessEnv): Promise<{ importMs: number; firstRequestMs: number; secondRequestMs: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      const line = /^FIRST-REQUEST (.*)$/m.exec(stdout)?.[1];
      if (error || !line) reject(new Error(`the first-request child failed: ${error?.message ?? ''} ${stderr.slice(-2000)} ${stdout.slice(-2000)}`));
      else resolve(JSON.parse(line) as { importMs: number; firstRequestMs: number; secondRequestMs: number });
    });
  });
}
