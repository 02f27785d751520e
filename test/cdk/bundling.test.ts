import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { awsFilesReadAtImport } from '../../bench/measure-cold-start.js';
import { synthGatewayAsset } from './synth-asset.js';

describe('the bundled gateway (local esbuild, no Docker)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mantle-gateway-cdk-'));
  let assetDir = '';

  beforeAll(async () => {
    assetDir = await synthGatewayAsset(outdir);
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is one minified ESM file with its source map', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: few, very long lines
    expect(code).toMatch(/export\{[^}]*\bas handler\}/);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
  });

  it('defines require for the CommonJS dependencies it inlines', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __gatewayCreateRequire } from 'node:module'; const require = __gatewayCreateRequire(import.meta.url);")).toBe(true);
  });

  it('carries its own AWS SDK instead of relying on the runtime\'s', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/from\s*["']@smithy\//);
  });

  it('loads as an ES module and exports the streaming handler', () => {
    const script =
      'globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } };' +
      `const bundle = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)});` +
      'process.stdout.write(typeof bundle.handler);';
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'], AWS_REGION: 'us-east-2', AWS_EC2_METADATA_DISABLED: 'true' },
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('function');
    expect(result.status).toBe(0);
  });

  it('carries only the environment link of the AWS credential chain (lambda/lambda-credentials.ts)', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).toContain('AWS_SESSION_TOKEN');
    for (const otherLink of ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'sso_start_url', 'credential_process']) {
      expect(code).not.toContain(otherLink);
    }
  });

  it('reads SSM with its own awsJson client (lambda/aws/), without the AWS SDK\'s SSM client or its runtime', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).toContain('AmazonSSM');
    // The SDK client's endpoint rule set and its middleware stack: present whenever @aws-sdk/client-ssm is bundled.
    for (const sdkRuntime of ['PartitionResult', 'retryMiddleware', 'deserializerMiddleware', 'endpointV2Middleware']) {
      expect(code).not.toContain(sdkRuntime);
    }
    expect(code.length).toBeLessThan(200_000);
  });

  it('keeps the SSM client to the commands the gateway sends', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).toContain('GetParametersByPath');
    for (const unused of ['AddTagsToResource', 'CreateActivation', 'SendCommand']) expect(code).not.toContain(unused);
  });

  it('reads no AWS config or credentials file when imported', () => {
    const home = mkdtempSync(join(tmpdir(), 'mantle-gateway-home-'));
    try {
      expect(awsFilesReadAtImport(join(assetDir, 'index.mjs'), home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
