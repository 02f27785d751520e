/**
 * Runs the admin CLI in-process (fast, most tests) or as a real process through its launcher (what an admin
 * runs), against the loopback SSM server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { runCli } from '../../admin/cli.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../config/gateway.yaml', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('../../bin/mantle-gateway.mjs', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

/**
 * `node bin/mantle-gateway.mjs ...` with only the environment given (plus PATH), a HOME without ~/.aws, and the
 * instance metadata service off: nothing outside the test decides which credentials are found.
 */
export function runBinary(argv: readonly string[], env: Record<string, string>, home: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LAUNCHER, ...argv],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          // The SDK's notice about future Node versions would otherwise precede every message on Node 20.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export class TempDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), 'mantle-gateway-admin-')));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  async write(name: string, text: string): Promise<string> {
    await writeFile(this.file(name), text, 'utf8');
    return this.file(name);
  }

  /** Writes a config document (as YAML) after letting `edit` change a copy of the example. */
  async writeEdited(name: string, edit: (config: ExampleConfig) => void): Promise<string> {
    const config = await readExample();
    edit(config);
    return this.write(name, stringify(config));
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}

export type ExampleDocument = Record<string, unknown> & { id: string };
export interface ExampleConfig {
  providers: ExampleDocument[];
  models: ExampleDocument[];
}

export async function readExample(): Promise<ExampleConfig> {
  return parse(await readFile(EXAMPLE_CONFIG, 'utf8')) as ExampleConfig;
}

export function documentNamed(documents: ExampleDocument[], id: string): ExampleDocument {
  const document = documents.find((candidate) => candidate.id === id);
  if (!document) throw new Error(`the example has no document ${id}`);
  return document;
}

/** What a CLI test talks to: a loopback SSM server the SDK reaches through AWS_ENDPOINT_URL_SSM, and a temp dir. */
export interface CliWorld {
  readonly ssm: SsmServer;
  readonly dir: TempDir;
}

/**
 * Registers beforeAll/afterAll hooks that start the SSM server and a temp dir, and point the SDK at them with
 * dummy credentials. Read the returned object's fields inside tests (they are set in beforeAll).
 */
export function useCliWorld(): CliWorld {
  const world = {} as { ssm: SsmServer; dir: TempDir };
  beforeAll(async () => {
    world.ssm = await startSsmServer();
    world.dir = await TempDir.create();
    process.env['AWS_ENDPOINT_URL_SSM'] = world.ssm.url;
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'test-secret-not-real';
  });
  afterAll(async () => {
    await world.ssm.close();
    await world.dir.remove();
  });
  return world;
}
