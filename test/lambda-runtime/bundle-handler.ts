/**
 * Bundles a TypeScript handler into a Lambda task root (`index.mjs`) the way the deployed asset is
 * built: esbuild, ESM, platform node, target node22. Tests that do not go through `cdk synth` use
 * this to get a directory for {@link runUnderRic}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface BundledHandler {
  /** Directory holding `index.mjs`; pass it as `taskRoot`. */
  readonly taskRoot: string;
  /** Removes the directory. */
  remove(): Promise<void>;
}

/**
 * @example
 * const bundle = await bundleHandler(fileURLToPath(new URL('./fixtures/streaming-handler.ts', import.meta.url)));
 * const lambda = await runUnderRic({ taskRoot: bundle.taskRoot });
 */
export async function bundleHandler(entryPoint: string): Promise<BundledHandler> {
  const taskRoot = await mkdtemp(join(tmpdir(), 'mantle-lambda-task-'));
  await build({
    entryPoints: [entryPoint],
    outfile: join(taskRoot, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'silent',
    // CommonJS dependencies inside an ESM bundle call `require`; give them one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return { taskRoot, remove: () => rm(taskRoot, { recursive: true, force: true }) };
}
