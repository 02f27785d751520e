import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../../lambda/config/validate.js';
import { configSourceFromEnvironment } from '../../lambda/config-store/config-from-environment.js';
import { fileRevision } from '../../lambda/config-store/file-config-source.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';
import { modelDocument, providerDocument, recordingLogger, seed } from './fixtures.js';

let ssm: SsmServer;
let dir: string;

beforeAll(async () => {
  ssm = await startSsmServer();
  dir = await mkdtemp(join(tmpdir(), 'mantle-gateway-env-'));
  process.env['AWS_ENDPOINT_URL_SSM'] = ssm.url;
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test-secret-not-real';
});

afterAll(async () => {
  await ssm.close();
  await rm(dir, { recursive: true, force: true });
});

const { logger } = recordingLogger();

async function modelIds(env: Record<string, string>): Promise<string[]> {
  const { source } = await configSourceFromEnvironment(env, logger);
  return [...(await source.snapshot()).routes.models.keys()];
}

describe('configSourceFromEnvironment', () => {
  it('reads config/gateway.yaml when nothing is set', async () => {
    const { description } = await configSourceFromEnvironment({}, logger);
    expect(description).toBe('file config/gateway.yaml');
    expect(await modelIds({})).toEqual(['gpt-55-bedrock', 'gpt-oss-120b', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3']);
  });

  it('gives a file configuration a revision that is a hash of its content', async () => {
    const file = join(dir, 'revision.yaml');
    const yaml = await readFile('config/gateway.yaml', 'utf8');
    await writeFile(file, yaml);
    const first = (await (await configSourceFromEnvironment({ GATEWAY_CONFIG: file }, logger)).source.snapshot()).revision;
    await writeFile(file, `${yaml}\n# an edit\n`);
    const second = (await (await configSourceFromEnvironment({ GATEWAY_CONFIG: file }, logger)).source.snapshot()).revision;
    expect(first).toBe(fileRevision(yaml));
    expect(first).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(second).not.toBe(first);
  });

  it('reads the file GATEWAY_CONFIG names', async () => {
    const file = join(dir, 'routes.json');
    await writeFile(file, JSON.stringify({ providers: [providerDocument('east')], models: [modelDocument('only-one')] }));
    expect(await modelIds({ GATEWAY_CONFIG: file })).toEqual(['only-one']);
  });

  it('reads the SSM prefix GATEWAY_SSM_PREFIX names, with the TTL from GATEWAY_CONFIG_TTL_SECONDS', async () => {
    seed(ssm, { providers: [providerDocument('east')], models: [modelDocument('from-ssm')] });
    const env = { GATEWAY_SSM_PREFIX: '/mantle-gateway', GATEWAY_CONFIG_TTL_SECONDS: '2' };
    expect((await configSourceFromEnvironment(env, logger)).description).toBe('SSM /mantle-gateway (TTL 2 s)');
    expect(await modelIds(env)).toEqual(['from-ssm']);
  });

  it('rejects an invalid file with the validator’s messages', async () => {
    const file = join(dir, 'invalid.yaml');
    await writeFile(file, 'models:\n  - id: lonely\n');
    await expect(configSourceFromEnvironment({ GATEWAY_CONFIG: file }, logger)).rejects.toEqual(
      new ConfigValidationError(['model "lonely": routes must be a non-empty list']),
    );
  });

  it.each([
    [{ GATEWAY_CONFIG: 'a.yaml', GATEWAY_SSM_PREFIX: '/mantle-gateway' }, 'Set GATEWAY_CONFIG (a file) or GATEWAY_SSM_PREFIX (an SSM prefix), not both'],
    [{ GATEWAY_SSM_PREFIX: '/mantle-gateway', GATEWAY_CONFIG_TTL_SECONDS: 'soon' }, 'GATEWAY_CONFIG_TTL_SECONDS must be a number of seconds >= 0, got "soon"'],
    [{ GATEWAY_SSM_PREFIX: '/mantle-gateway', GATEWAY_CONFIG_FULL_READ_SECONDS: '30' }, 'GATEWAY_CONFIG_FULL_READ_SECONDS must be a number of seconds >= 60, got "30"'],
    [{ GATEWAY_SSM_PREFIX: 'mantle-gateway' }, 'SSM prefix "mantle-gateway" is not valid: use an absolute path such as /mantle-gateway'],
  ])('refuses %j', async (env, message) => {
    await expect(configSourceFromEnvironment(env, logger)).rejects.toThrow(message);
  });
});
