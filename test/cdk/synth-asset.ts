/**
 * Synthesizes the gateway app with real bundling (the local esbuild, as `cdk synth` does) and returns the
 * gateway function's asset directory: what CDK would zip and upload, with `index.mjs` (export `handler`) and its
 * source map. For tests that run the deployable artifact itself, e.g. under the Lambda runtime client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestGateway } from './fixtures.js';

interface AssetManifest {
  readonly files: Record<string, { readonly source: { readonly path: string } }>;
}

interface LambdaResource {
  readonly Type: string;
  readonly Properties: { readonly Handler?: string; readonly Code?: { readonly S3Key?: string }; readonly Environment?: unknown };
}

/**
 * @param outdir an empty directory for the cloud assembly (e.g. from `mkdtemp`); the asset lives inside it.
 * @param context CDK context overrides, as `-c` would give them. @default {} (cdk.json's settings, one region)
 * @returns the absolute path of the directory holding `index.mjs`.
 * @example
 * const assetDir = await synthGatewayAsset(mkdtempSync(join(tmpdir(), 'gateway-asset-')));
 * // run join(assetDir, 'index.mjs') with _HANDLER=index.handler
 */
export async function synthGatewayAsset(outdir: string, context: Record<string, unknown> = {}): Promise<string> {
  const { app, stacks } = await buildTestGateway({ regions: ['us-east-2'], ...context }, { bundle: true, outdir });
  const stack = stacks[0];
  if (!stack) throw new Error('the app has no stack');
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const gateway = Object.values(artifact.template.Resources as Record<string, LambdaResource>).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      JSON.stringify(resource.Properties.Environment ?? {}).includes('GATEWAY_SSM_PREFIX'),
  );
  const hash = gateway?.Properties.Code?.S3Key?.replace(/\.zip$/, '');
  if (!hash) throw new Error('no gateway function with a file asset in the template');
  const manifest = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as AssetManifest;
  const source = manifest.files[hash]?.source.path;
  if (!source) throw new Error(`asset ${hash} is not in the asset manifest`);
  const dir = join(outdir, source);
  if (!existsSync(join(dir, 'index.mjs'))) throw new Error(`${dir} has no index.mjs`);
  return dir;
}
