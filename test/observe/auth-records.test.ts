import OpenAI from 'openai';
import { startDemoEnvironment, type DemoEnvironment } from '../../dev/demo-environment.js';
import { callerAuthFromEnvironment } from '../../lambda/auth/callers-from-environment.js';
import { createObservability } from '../../lambda/observe/observability.js';
import { run, TempDir } from '../admin/cli-harness.js';
import { CapturedOutput } from '../support/captured-output.js';

/**
 * Records of authenticated callers: the key's id (never the key) as `caller`, a rejected key as an
 * `authentication` error, and the key's secret nowhere in the output of the run.
 */
let dir: TempDir;
let env: DemoEnvironment;
let key: string;
let keyId: string;
const output = new CapturedOutput();
let lines: Array<Record<string, any>>;

beforeAll(async () => {
  dir = await TempDir.create();
  const file = dir.file('keys.yaml');
  const created = await run('keys', 'create', 'records-app', '--models', '*', '--file', file);
  key = created.stdout.trimEnd().split('\n').at(-1)!;
  keyId = key.split('_')[1]!;
  output.start();
  try {
    const { logger, records } = createObservability({ GATEWAY_STAGE: 'test' });
    const auth = callerAuthFromEnvironment({ env: { GATEWAY_KEYS_FILE: file }, host: '127.0.0.1', logger });
    env = await startDemoEnvironment({ credentials: 'explicit', authenticate: auth.authenticate, records });
    const client = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: key, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'keyed' }] });
    const wrong = new OpenAI({ baseURL: `${env.gateway.url}/v1`, apiKey: `mgw_${keyId}_${'0'.repeat(64)}`, maxRetries: 0 });
    await wrong.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'wrong' }] }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    output.stop();
  }
  lines = output.jsonLines().filter((line) => line['message'] === 'request');
});
afterAll(async () => {
  await env.close();
  await dir.remove();
});

describe('request records of authenticated callers', () => {
  it('names a key caller by its id', () => {
    expect(lines[0]).toMatchObject({ caller: { type: 'key', id: keyId }, status: 200, model: 'gpt-oss-120b' });
  });

  it('records a rejected key as an authentication error, with no upstream attempt', () => {
    expect(lines[1]).toMatchObject({ status: 401, attempts: [], error: { type: 'authentication' } });
  });

  it('never prints the key or its secret', () => {
    expect(lines).toHaveLength(2);
    expect(output.text).not.toContain(key);
    expect(output.text).not.toContain(key.split('_')[2]!);
  });
});
