/**
 * Cold start, as far as the asset decides it: the size of the Lambda asset exactly as `cdk synth` bundles it (the
 * code, without its source map), and module init: the median wall time of fresh `node` processes that import the
 * bundle, minus that of processes that start the same way and import nothing. Each import runs with a Lambda-like
 * environment and a tracer that notes any read of the AWS shared config or credentials files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { synthGatewayAsset } from '../test/cdk/synth-asset.js';
import { median } from './http-client.js';

export interface ColdStartResult {
  readonly assetBytes: number;
  readonly sourceMapBytes: number;
  readonly initMs: number;
  readonly bareNodeMs: number;
  readonly importMs: number;
  /** The same without `--enable-source-maps` (which the function sets, so stack traces name source lines). */
  readonly initWithoutSourceMapsMs: number;
  /** AWS config or credentials files the import read (should be none). */
  readonly awsFilesRead: readonly string[];
}

/** Records reads of files under an `.aws` directory (the shared config and credentials files) on stderr. */
const READ_TRACER = `
const fs = require('node:fs'); const fsp = require('node:fs/promises');
const watch = (owner, name) => { const original = owner[name]; owner[name] = function (path, ...rest) {
  if (/[\\\\/]\\.aws[\\\\/]/.test(String(path))) process.stderr.write('AWS-FILE-READ ' + String(path) + '\\n');
  return original.call(this, path, ...rest); }; };
watch(fsp, 'readFile'); watch(fsp, 'open'); watch(fs, 'readFile'); watch(fs, 'readFileSync'); watch(fs.promises, 'readFile');
require('node:module').syncBuiltinESMExports();
`;

const AWSLAMBDA_STUB = 'globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } };';

export async function measureColdStart(samples: number): Promise<ColdStartResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'mantle-bench-asset-'));
  const home = mkdtempSync(join(tmpdir(), 'mantle-bench-home-'));
  try {
    const assetDir = await synthGatewayAsset(outdir);
    const bundle = join(assetDir, 'index.mjs');
    const env = lambdaLikeEnvironment(home);
    const importScript = `${AWSLAMBDA_STUB} await import(${JSON.stringify(pathToFileURL(bundle).href)});`;
    const run = (script: string, sourceMaps = true): number => {
      const started = process.hrtime.bigint();
      const runEnv = sourceMaps ? env : { ...env, NODE_OPTIONS: '' };
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: runEnv, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`node exited with ${result.status}: ${result.stderr}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const bare: number[] = [];
    const imports: number[] = [];
    const withoutMaps: number[] = [];
    run(importScript); // a first run warms the file cache
    for (let index = 0; index < samples; index += 1) {
      bare.push(run(AWSLAMBDA_STUB));
      imports.push(run(importScript));
      withoutMaps.push(run(importScript, false));
    }
    const awsFilesRead = awsFilesReadAtImport(bundle, home);
    return {
      assetBytes: statSync(bundle).size,
      sourceMapBytes: statSync(`${bundle}.map`).size,
      initMs: median(imports) - median(bare),
      bareNodeMs: median(bare),
      importMs: median(imports),
      initWithoutSourceMapsMs: median(withoutMaps) - median(bare),
      awsFilesRead,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The AWS config and credentials files a fresh `node` reads while it imports `bundle` in a Lambda-like environment
 * whose home is `home` (an empty directory), with `~` for the home.
 */
export function awsFilesReadAtImport(bundle: string, home: string): string[] {
  const tracer = join(home, 'trace-aws-files.cjs');
  writeFileSync(tracer, READ_TRACER);
  const script = `${AWSLAMBDA_STUB} await import(${JSON.stringify(pathToFileURL(bundle).href)});`;
  const traced = spawnSync(process.execPath, ['--require', tracer, '--input-type=module', '-e', script], { env: lambdaLikeEnvironment(home), encoding: 'utf8' });
  if (traced.status !== 0) throw new Error(`importing ${bundle} failed: ${traced.stderr}`);
  return [...new Set([...traced.stderr.matchAll(/^AWS-FILE-READ (.*)$/gm)].map((match) => match[1]!.replace(home, '~')))];
}

/** What a Lambda environment has at init: role credentials and region in the environment, an empty home. */
function lambdaLikeEnvironment(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    AWS_REGION: 'us-east-2',
    AWS_DEFAULT_REGION: 'us-east-2',
    AWS_ACCESS_KEY_ID: 'AKIAMANTLEGATEWAYBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SESSION_TOKEN: 'bench-token',
    AWS_LAMBDA_FUNCTION_NAME: 'mantle-gateway-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    GATEWAY_SSM_PREFIX: '/mantle-gateway',
    GATEWAY_CONFIG_TTL_SECONDS: '5',
    POWERTOOLS_SERVICE_NAME: 'mantle-gateway',
    // As deployed (lib/gateway-function.ts): source maps on.
    NODE_OPTIONS: '--enable-source-maps',
  };
}
