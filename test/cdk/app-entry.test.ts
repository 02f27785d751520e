/**
 * The app entry (`bin/`) as the CDK CLI runs it: context in CDK_CONTEXT_JSON (cdk.json plus `-c`), a cloud
 * assembly directory in CDK_OUTDIR, no AWS credentials and no instance metadata to fall back on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeUserError } from '../../lib/gateway-app.js';
import { CDK_JSON_CONTEXT, PROJECT_DIR, buildTestGateway, configFor, writeConfig } from './fixtures.js';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'mantle-gateway-synth-'));
  outdirs.push(outdir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(outdir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outdir, 'no-aws-credentials'),
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }),
  };
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/mantle-gateway-app.ts'], { cwd: PROJECT_DIR, env, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, outdir };
}

describe('bin/mantle-gateway-app.ts', () => {
  it('synthesizes three regions without credentials, as environment-agnostic stacks', () => {
    const { status, stderr, outdir } = runApp({ regions: 'us-east-1,us-east-2,us-west-2' });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const templates = readdirSync(outdir).filter((file) => file.endsWith('.template.json')).sort();
    expect(templates).toEqual([
      'MantleGateway-us-east-1.template.json',
      'MantleGateway-us-east-2.template.json',
      'MantleGateway-us-west-2.template.json',
    ]);
    const template = JSON.stringify(JSON.parse(readFileSync(join(outdir, 'MantleGateway-us-west-2.template.json'), 'utf8')));
    expect(template).toContain('{"Ref":"AWS::AccountId"}');
  });

  it('prints the validator\'s message and exits 1 for a bad route config', () => {
    const configFile = writeConfig(configFor(['us-east-2']).replace('region: us-east-2', 'region: Ohio'));
    const { status, stderr } = runApp({ configFile });
    expect(status).toBe(1);
    expect(stderr).toBe('invalid gateway config:\n  - provider "mantle-us-east-2": region "Ohio" is not valid: an AWS region such as us-east-2\n');
  });

  it('prints every settings problem and exits 1 for bad context', () => {
    const { status, stderr } = runApp({ authMode: 'open', memoryMiB: '64' });
    expect(status).toBe(1);
    expect(stderr).toBe(
      'invalid deploy settings (CDK context in cdk.json or -c key=value):\n' +
        '  - authMode: must be one of api_key, iam, got "open"\n' +
        '  - memoryMiB: must be between 128 and 10240 MiB, got 64\n',
    );
  });

  it('names a missing route config file and the setting that picks it', async () => {
    const error = await buildTestGateway({ configFile: join(tmpdir(), 'no-such-dir', 'gateway.yaml') }).catch((caught: unknown) => caught);
    expect(describeUserError(error)).toMatch(/^route configuration file not found: .*no-such-dir\/gateway\.yaml \(set -c configFile=\.\.\.\)$/);
  });
});
