/**
 * `validate --live` and `models` against loopback Mantle simulators: real SigV4 from the default credential chain,
 * one simulator per region, and a us-west-2 catalog that lacks a model the example routes to.
 */
import { createServer } from 'node:net';
import { DEFAULT_MODELS, startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { TempDir, documentNamed, run, runBinary, type ExampleConfig } from './cli-harness.js';

const CREDENTIALS = { accessKeyId: 'AKIALIVECHECKTEST001', secretAccessKey: 'live-check-secret' };
const ENV = { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey };
const MISSING_IN_WEST = 'mistral.mistral-large-3-675b-instruct';

let east: MantleSimulator;
let west: MantleSimulator;
let dir: TempDir;
const savedEnv = { ...process.env };

beforeAll(async () => {
  east = await startMantleSimulator({ region: 'us-east-2', credentials: [CREDENTIALS] });
  west = await startMantleSimulator({ region: 'us-west-2', credentials: [CREDENTIALS], models: DEFAULT_MODELS.filter((model) => model.id !== MISSING_IN_WEST) });
  dir = await TempDir.create();
  Object.assign(process.env, ENV);
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([east.close(), west.close(), dir.remove()]);
});

/** The example config with each provider pointed at its region's simulator, edited further by `edit`. */
function writeConfig(name: string, edit: (config: ExampleConfig) => void = () => {}): Promise<string> {
  return dir.writeEdited(name, (config) => {
    for (const provider of config.providers) provider['endpoint'] = provider['region'] === 'us-east-2' ? east.url : west.url;
    edit(config);
  });
}

function routesOf(config: ExampleConfig, id: string): Array<Record<string, unknown>> {
  return documentNamed(config.models, id)['routes'] as Array<Record<string, unknown>>;
}

describe('mantle-gateway validate --live', () => {
  it('flags the route whose model the region does not serve, and exits 1', async () => {
    const file = await writeConfig('west-lacks-mistral.yaml');
    const result = await run('validate', file, '--live');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${file} is valid: 2 providers, 5 models.\n`);
    expect(result.stderr).toBe(
      'mantle-gateway: 1 route names a model Mantle does not serve this account in that region:\n' +
        `  - model "mistral-large-3" route 0: upstream_model "${MISSING_IN_WEST}" is not served in us-west-2 (provider mantle-us-west-2)\n`,
    );
  });

  it('lists every failing route (a typo too) and passes once they are fixed', async () => {
    const failing = await writeConfig('typo.yaml', (config) => {
      routesOf(config, 'gpt-oss-120b')[2]!['upstream_model'] = 'openai.gpt-oss-120';
    });
    const result = await run('validate', failing, '--live');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 routes name models Mantle does not serve');
    expect(result.stderr).toContain('  - model "gpt-oss-120b" route 2: upstream_model "openai.gpt-oss-120" is not served in us-west-2 (provider mantle-us-west-2)\n');

    const fixed = await writeConfig('fixed.yaml', (config) => {
      config.models = config.models.filter((model) => model.id !== 'mistral-large-3');
    });
    expect(await run('validate', fixed, '--live')).toEqual({
      code: 0,
      stdout: `${fixed} is valid: 2 providers, 4 models.\nMantle serves the upstream_model of all 6 routes (us-east-2, us-west-2).\n`,
      stderr: '',
    });
  });

  it('asks each provider once, at its endpoint, signed for its region', async () => {
    const file = await writeConfig('signed.yaml');
    const [eastBefore, westBefore] = [east.requests.length, west.requests.length];
    await run('validate', file, '--live');
    const eastCalls = east.requests.slice(eastBefore);
    const westCalls = west.requests.slice(westBefore);
    expect(eastCalls.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
    expect(westCalls.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
    expect(eastCalls[0]!.headers['authorization']).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/us-east-2/bedrock-mantle/aws4_request`));
    expect(westCalls[0]!.region).toBe('us-west-2');
  });

  it('does not call Mantle for a file that fails validation', async () => {
    const file = await writeConfig('invalid.yaml', (config) => {
      routesOf(config, 'qwen3-32b')[0]!['provider'] = 'nowhere';
    });
    const before = east.requests.length + west.requests.length;
    const result = await run('validate', file, '--live');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('provider "nowhere" is not defined');
    expect(east.requests.length + west.requests.length).toBe(before);
  });

  it('says which endpoint refused the credentials', async () => {
    const file = await writeConfig('wrong-key.yaml');
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-secret';
    try {
      const result = await run('validate', file, '--live');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^mantle-gateway: Mantle at ${east.url.replace(/[.]/g, '\\.')} \\(us-east-2\\) answered 403 to GET /v1/models: .+\\n$|^mantle-gateway: Mantle at .+ \\(us-west-2\\) answered 403`));
    } finally {
      process.env['AWS_SECRET_ACCESS_KEY'] = CREDENTIALS.secretAccessKey;
    }
  });
});

describe('mantle-gateway models', () => {
  it('lists the models Mantle serves in the region, one a line, sorted', async () => {
    const result = await run('models', '--region', 'us-west-2', '--endpoint', `${west.url}/`);
    const expected = DEFAULT_MODELS.map((model) => model.id).filter((id) => id !== MISSING_IN_WEST).sort();
    expect(result).toEqual({ code: 0, stdout: expected.map((id) => `${id}\n`).join(''), stderr: '' });
    expect(west.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', region: 'us-west-2', identity: CREDENTIALS.accessKeyId });
  });

  it('works as the installed command', async () => {
    const result = await runBinary(['models', '--region', 'us-east-2', '--endpoint', east.url], ENV, dir.path);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain('openai.gpt-5.5');
  });

  it('reports an unreachable endpoint in one line', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await run('models', '--region', 'us-east-2', '--endpoint', `http://127.0.0.1:${port}`);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `mantle-gateway: could not reach Mantle at http://127.0.0.1:${port} (ECONNREFUSED)\n` });
  });

  it.each([
    [['models', '--endpoint', 'http://127.0.0.1:1'], 'models needs a region: pass --region (or set AWS_REGION)'],
    [['models', '--region', 'us-east-2', '--endpoint', 'http://127.0.0.1:1/v1'], '--endpoint: endpoint must not have a path'],
    [['models', '--region', 'us-east-2', '--prefix', '/x'], 'models asks Mantle, not SSM; it takes no --prefix'],
    [['validate', 'f.yaml', '--endpoint', 'http://127.0.0.1:1'], '--endpoint applies to models only'],
    [['diff', 'f.yaml', '--region', 'us-east-2', '--live'], '--live applies to validate only'],
  ])('rejects %j as a usage error', async (argv, message) => {
    const saved = process.env['AWS_REGION'];
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    try {
      const result = await run(...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    } finally {
      if (saved !== undefined) process.env['AWS_REGION'] = saved;
    }
  });
});
