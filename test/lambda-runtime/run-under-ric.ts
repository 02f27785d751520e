/**
 * Runs a bundled Lambda handler under the real runtime interface client (`aws-lambda-ric`, on the
 * Node 22 binary of the `node` devDependency) against {@link startRuntimeApiEmulator}, and hands
 * back the function URL in front of it.
 *
 * The task root is any directory with the handler module: a temp dir from {@link bundleHandler}
 * or the asset `cdk synth` writes (`cdk.out/asset.<hash>/`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import {
  startRuntimeApiEmulator,
  type ClientDisconnectPolicy,
  type InvocationRecord,
  type RuntimeApiEmulator,
  type RuntimeApiEmulatorOptions,
} from './runtime-api-emulator.js';

export interface RunUnderRicOptions {
  /** Directory holding the handler module, e.g. `cdk.out/asset.<hash>/` (relative to the cwd). */
  readonly taskRoot: string;
  /** `_HANDLER`: `<module>.<export>`. @default 'index.handler' */
  readonly handler?: string;
  /** Added to the function's environment (after the Lambda variables, so they can override). */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'mantle-gateway' */
  readonly functionName?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 1024 */
  readonly memorySizeMb?: number;
  /** @default 'keep-running' (what production does) */
  readonly onClientDisconnect?: ClientDisconnectPolicy;
  /** Node binary for the runtime. @default the Node 22 binary of the `node` devDependency */
  readonly nodeBinary?: string;
  /** Put the front in auth type `AWS_IAM` (see the emulator). @default auth type NONE */
  readonly iam?: RuntimeApiEmulatorOptions['iam'];
  /** How long the runtime may take to load the handler and ask for work. @default 15_000 */
  readonly startupTimeoutMs?: number;
}

export interface LambdaUnderRic {
  /** Base URL of the function URL front, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Every request the front received, in order. */
  readonly invocations: readonly InvocationRecord[];
  /** Everything the runtime process wrote to stdout and stderr so far (its logs). */
  output(): string;
  /** Settles with the reason when the runtime process exits (a crash, or {@link stop}). */
  readonly exited: Promise<string>;
  /** Stops the runtime process and both servers. Safe to call twice. */
  stop(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);

/** The runtime client's entry point, read from its package's `bin` rather than assumed. */
export function ricEntryPoint(): string {
  const manifest = requireHere.resolve('aws-lambda-ric/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const entry = typeof bin === 'string' ? bin : bin?.['aws-lambda-ric'];
  if (entry === undefined) throw new Error('aws-lambda-ric declares no bin entry');
  return resolve(dirname(manifest), entry);
}

/** The binary of the `node@22` devDependency: the Lambda runtime's major version. */
export function node22Binary(): string {
  const manifest = requireHere.resolve('node/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
  return resolve(dirname(manifest), bin?.['node'] ?? 'bin/node');
}

/**
 * @example
 * const lambda = await runUnderRic({ taskRoot: 'cdk.out/asset.1234abcd', env: { CONFIG_PARAMETER: '/gw' } });
 * try {
 *   const res = await fetch(`${lambda.url}/v1/chat/completions`, { method: 'POST', body });
 * } finally {
 *   await lambda.stop();
 * }
 */
export async function runUnderRic(given: RunUnderRicOptions): Promise<LambdaUnderRic> {
  // The runtime resolves the handler against LAMBDA_TASK_ROOT from inside it: make it absolute.
  const options = { ...given, taskRoot: resolve(given.taskRoot) };
  const functionName = options.functionName ?? 'mantle-gateway';
  const region = options.region ?? 'us-east-1';
  const emulator = await startRuntimeApiEmulator({
    functionName,
    region,
    ...(options.onClientDisconnect ? { onClientDisconnect: options.onClientDisconnect } : {}),
    ...(options.iam ? { iam: options.iam } : {}),
  });
  const output: string[] = [];
  const child = spawn(options.nodeBinary ?? node22Binary(), [ricEntryPoint()], {
    cwd: options.taskRoot,
    env: lambdaEnvironment(options, emulator.runtimeApi, functionName, region),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (text: string) => output.push(text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => output.push(text));
  const exited = new Promise<string>((resolveExit) => {
    child.once('error', (error) => resolveExit(`runtime failed to start: ${error.message}`));
    child.once('exit', (code, signal) => resolveExit(`runtime exited (code ${code}, signal ${signal})`));
  });
  void exited.then((reason) => emulator.abandon(reason));
  const lambda: LambdaUnderRic = {
    url: emulator.url,
    invocations: emulator.invocations,
    output: () => output.join(''),
    exited,
    stop: once(() => stopAll(child, emulator)),
  };
  try {
    await waitForRuntime(emulator, exited, options.startupTimeoutMs ?? 15_000);
  } catch (error: unknown) {
    await lambda.stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the runtime did not start: ${reason}\n--- runtime output ---\n${lambda.output()}`);
  }
  return lambda;
}

/**
 * The environment Lambda gives a Node.js function, and nothing inherited from the test process
 * (no `NODE_OPTIONS` from Jest, no developer credentials): pass what the handler needs in `env`.
 */
function lambdaEnvironment(options: RunUnderRicOptions, runtimeApi: string, functionName: string, region: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    _HANDLER: options.handler ?? 'index.handler',
    LAMBDA_TASK_ROOT: options.taskRoot,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySizeMb ?? 1024),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${'0'.repeat(32)}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...options.env,
  };
}

async function waitForRuntime(emulator: RuntimeApiEmulator, exited: Promise<string>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no GET /next within ${timeoutMs} ms`)), timeoutMs);
  });
  const died = exited.then((reason) => Promise.reject(new Error(reason)));
  try {
    await Promise.race([emulator.ready, died, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL if the runtime does not exit within 3 s; then close the servers. */
async function stopAll(child: ChildProcess, emulator: RuntimeApiEmulator): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const gone = new Promise<void>((resolveGone) => child.once('exit', () => resolveGone()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(killer);
  }
  await emulator.close();
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
