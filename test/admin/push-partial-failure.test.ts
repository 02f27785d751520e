/**
 * A push is many SSM calls, and one of them can fail after others succeeded. The admin must then learn exactly
 * what was written, what was deleted, which call failed and what was left undone, and the exit code must say so.
 */
import type { RecordedRequest } from '../support/ssm-server.js';
import { EXAMPLE_CONFIG, documentNamed, readExample, run, useCliWorld } from './cli-harness.js';

const world = useCliWorld();
const REGION = ['--region', 'us-east-1'] as const;
const OLD_MODELS = Array.from({ length: 13 }, (_, index) => `/mantle-gateway/models/old-${String(index + 1).padStart(2, '0')}`);

beforeEach(async () => {
  world.ssm.intercept(undefined);
  world.ssm.parameters.clear();
  expect((await run('push', EXAMPLE_CONFIG, ...REGION)).code).toBe(0);
  world.ssm.requests.length = 0;
});
afterAll(() => world.ssm.intercept(undefined));

/** Fails the `nth` call of `operation` (1-based) with AccessDenied; `before` runs as that call arrives. */
function failCall(operation: string, nth: number, before?: (request: RecordedRequest) => void): void {
  let seen = 0;
  world.ssm.intercept((request) => {
    if (request.operation !== operation) return undefined;
    seen += 1;
    before?.(request);
    return seen === nth ? 'access-denied' : undefined;
  });
}

/** Thirteen models in SSM that the example file does not have: a prune deletes them in two calls (10 + 3). */
async function addOldModels(): Promise<void> {
  const model = documentNamed((await readExample()).models, 'qwen3-32b');
  for (const name of OLD_MODELS) world.ssm.put(name, JSON.stringify({ ...model, id: name.split('/').pop() }));
}

const DENIED = 'access denied by SSM: User: arn:aws:sts::123456789012:assumed-role/test is not authorized to perform this operation';

describe('push that fails partway', () => {
  it('reports the ten deletes of the first batch when the second batch fails, names the three left, and exits 3', async () => {
    await addOldModels();
    failCall('DeleteParameters', 2);
    const result = await run('push', EXAMPLE_CONFIG, ...REGION, '--prune', '--force');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(OLD_MODELS.slice(0, 10).map((name) => `deleted ${name}\n`).join(''));
    expect(result.stderr).toBe(
      `mantle-gateway: push stopped partway: deleting ${OLD_MODELS.slice(10).join(', ')} failed: ${DENIED}\n` +
        `Done before the failure (listed above): 0 created, 0 updated, 10 deleted.\n` +
        'Not done:\n' +
        OLD_MODELS.slice(10).map((name) => `  delete ${name} (in the call that failed)\n`).join('') +
        `SSM now holds part of the change: run diff to see what is left, then push again.\n`,
    );
    expect(OLD_MODELS.filter((name) => world.ssm.parameters.has(name))).toEqual(OLD_MODELS.slice(10));
  });

  it('reports the writes that completed, the one that failed, and the writes and deletes never attempted', async () => {
    await addOldModels();
    const file = await world.dir.writeEdited('changed.yaml', (config) => {
      for (const id of ['gpt-oss-120b', 'qwen3-32b']) documentNamed(config.models, id)['description'] = `edited ${id}`;
      config.models.push({ ...documentNamed(config.models, 'qwen3-32b'), id: 'new-model' });
    });
    failCall('PutParameter', 2);
    const result = await run('push', file, ...REGION, '--prune', '--force');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      'updated /mantle-gateway/models/gpt-oss-120b\n' +
        '    ~ description: "OpenAI gpt-oss-120b (open weights) on Amazon Bedrock Mantle" -> "edited gpt-oss-120b"\n',
    );
    expect(result.stderr).toBe(
      `mantle-gateway: push stopped partway: writing /mantle-gateway/models/qwen3-32b failed: ${DENIED}\n` +
        'Done before the failure (listed above): 0 created, 1 updated, 0 deleted.\n' +
        'Not done:\n' +
        '  write /mantle-gateway/models/qwen3-32b (the call that failed)\n' +
        '  write /mantle-gateway/models/new-model\n' +
        OLD_MODELS.map((name) => `  delete ${name}\n`).join('') +
        'SSM now holds part of the change: run diff to see what is left, then push again.\n',
    );
  });

  it('exits 1 and says nothing was changed when the first call fails', async () => {
    const file = await world.dir.writeEdited('one-change.yaml', (config) => {
      documentNamed(config.models, 'qwen3-32b')['description'] = 'edited';
    });
    failCall('PutParameter', 1);
    const result = await run('push', file, ...REGION);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `mantle-gateway: push stopped: writing /mantle-gateway/models/qwen3-32b failed: ${DENIED}\n` +
        'Nothing was changed in SSM.\n' +
        'Not done:\n' +
        '  write /mantle-gateway/models/qwen3-32b (the call that failed)\n',
    });
  });

  it('does not print names SSM reports as already missing as deleted', async () => {
    await addOldModels();
    const [gone, ...rest] = OLD_MODELS;
    failCall('DeleteParameters', 0, () => world.ssm.delete(gone!)); // deleted by someone else meanwhile
    const result = await run('push', EXAMPLE_CONFIG, ...REGION, '--prune', '--force');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('deleted '))).toEqual(rest.map((name) => `deleted ${name}`));
    expect(lines).toContain(`already gone ${gone}: SSM no longer had it`);
    expect(lines.at(-2)).toMatch(/: 0 created, 0 updated, 12 deleted, 1 already gone, 7 unchanged\.$/);
  });
});
