/**
 * The CLI as an admin runs it (`node bin/mantle-gateway.mjs`, what `npx mantle-gateway` starts): bad input gets
 * one line and a non-zero exit, never a stack trace.
 */
import { createServer } from 'node:net';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';
import { EXAMPLE_CONFIG, TempDir, runBinary } from './cli-harness.js';

let ssm: SsmServer;
let dir: TempDir;

beforeAll(async () => {
  ssm = await startSsmServer();
  dir = await TempDir.create();
});

afterAll(async () => {
  await ssm.close();
  await dir.remove();
});

beforeEach(() => ssm.failNext(0));

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real' };
const ssmEnv = () => ({ AWS_ENDPOINT_URL_SSM: ssm.url, ...CREDENTIALS });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mantle-gateway (the installed command)', () => {
  it('validates the example config', async () => {
    const result = await runBinary(['validate', EXAMPLE_CONFIG], {}, dir.path);
    expect(result).toEqual({ code: 0, stdout: `${EXAMPLE_CONFIG} is valid: 2 providers, 5 models.\n`, stderr: '' });
  });

  it('pushes and pulls through the AWS default credential chain and AWS_ENDPOINT_URL_SSM', async () => {
    expect((await runBinary(['push', EXAMPLE_CONFIG, '--region', 'eu-west-1'], ssmEnv(), dir.path)).code).toBe(0);
    const pulled = await runBinary(['pull', '--region', 'eu-west-1'], ssmEnv(), dir.path);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toMatch(/^providers:\n {2}- id: mantle-us-east-2\n/);
  });

  it.each<[string, () => Promise<{ argv: string[]; env: Record<string, string>; expected: RegExp; code?: number }>]>([
    ['a missing file', async () => ({ argv: ['push', dir.file('missing.yaml')], env: ssmEnv(), expected: /^cannot read .*missing\.yaml: no such file$/ })],
    [
      'a YAML syntax error',
      async () => ({
        argv: ['diff', await dir.write('broken.yaml', 'models:\n  - id: [unclosed\n'), '--region', 'us-east-1'],
        env: ssmEnv(),
        expected: /broken\.yaml: .* at line \d+, column \d+:?$/,
      }),
    ],
    [
      'no credentials',
      async () => ({
        argv: ['diff', EXAMPLE_CONFIG, '--region', 'us-east-1'],
        env: { AWS_ENDPOINT_URL_SSM: ssm.url },
        expected: /^no AWS credentials found: configure the default credential chain/,
      }),
    ],
    [
      'access denied',
      async () => {
        ssm.failNext(Infinity, 'access-denied');
        return { argv: ['pull', '--region', 'us-east-1'], env: ssmEnv(), expected: /^access denied by SSM: User: arn:aws:sts::123456789012:assumed-role\/test is not authorized/ };
      },
    ],
    [
      'an unreachable endpoint',
      async () => {
        const url = `http://127.0.0.1:${await closedPort()}`;
        return { argv: ['pull', '--region', 'us-east-1'], env: { ...CREDENTIALS, AWS_ENDPOINT_URL_SSM: url }, expected: new RegExp(`^could not reach SSM at ${url} \\(ECONNREFUSED\\)$`) };
      },
    ],
    ['no region', async () => ({ argv: ['pull'], env: ssmEnv(), expected: /^no AWS region: pass --region \(or set AWS_REGION\)$/ })],
    ['a bad prefix', async () => ({ argv: ['pull', '--region', 'us-east-1', '--prefix', 'relative'], env: ssmEnv(), expected: /^SSM prefix "relative" is not valid/, code: 2 })],
    ['an unknown command', async () => ({ argv: ['deploy'], env: ssmEnv(), expected: /^unknown command "deploy" \(validate, models, diff, push, pull, keys, principals\)$/, code: 2 })],
    ['an unknown option', async () => ({ argv: ['push', EXAMPLE_CONFIG, '--yes'], env: ssmEnv(), expected: /^Unknown option '--yes'$/, code: 2 })],
  ])('explains %s in one line, without a stack trace', async (_case, arrange) => {
    const { argv, env, expected, code = 1 } = await arrange();
    const result = await runBinary(argv, env, dir.path);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^mantle-gateway: /);
    expect(first!.slice('mantle-gateway: '.length)).toMatch(expected);
    expect(rest).toEqual(code === 2 ? ['Run mantle-gateway --help for usage.'] : []);
  });
});
