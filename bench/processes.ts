/**
 * Starts the bench's servers as child processes of plain `node` (no tsx loader in them, so their CPU and memory
 * are what a deployment's would be): the entry is bundled once with esbuild, unminified so profiles stay readable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ProcessUsage, ServerRole } from './server-process.js';

export interface ServerProcess {
  readonly role: ServerRole;
  readonly url: string;
  readonly pid: number;
  /** CPU time (µs, since start) and RSS, as the child itself measures them. */
  usage(): Promise<ProcessUsage>;
  /** Stops the server and waits for the process to exit (a `--cpu-prof` profile is written by then). */
  stop(): Promise<void>;
}

export interface ServerBundle {
  readonly entry: string;
  remove(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));

export async function bundleServers(): Promise<ServerBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'mantle-bench-'));
  const entry = join(dir, 'server-process.mjs');
  await build({
    entryPoints: [ENTRY],
    outfile: entry,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  });
  return { entry, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  readonly cwd?: string;
}

export async function startServerProcess(bundle: ServerBundle, role: ServerRole, options: unknown, start: StartOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(start.nodeArgs ?? []), bundle.entry, role, JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { PATH: process.env['PATH'] ?? '', ...start.env },
    ...(start.cwd ? { cwd: start.cwd } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: { type?: string; url?: string }): void => {
      if (message.type === 'ready' && message.url) resolve(message.url);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench ${role} exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    role,
    url,
    pid: child.pid ?? -1,
    usage: () => request(child, 'usage'),
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      await exited;
    },
  };
}

function request(child: ChildProcess, message: 'usage'): Promise<ProcessUsage> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ProcessUsage): void => {
      if (reply.type !== 'usage') return;
      child.off('message', onMessage);
      resolve(reply);
    };
    child.on('message', onMessage);
    if (!child.send(message)) reject(new Error('the bench server is gone'));
  });
}
