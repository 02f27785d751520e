/**
 * `push` must not wipe the live configuration by mistake: an empty file is never pushed, and a prune that would
 * delete more than half of the documents in SSM needs `--force`.
 */
import { EXAMPLE_CONFIG, documentNamed, run, useCliWorld } from './cli-harness.js';

/** The documents in SSM: the revision marker a push writes is not one. */
const documentsInSsm = () => [...world.ssm.parameters.keys()].filter((name) => !name.endsWith('/revision'));

const world = useCliWorld();
const REGION = ['--region', 'us-east-1'] as const;

beforeEach(async () => {
  world.ssm.parameters.clear();
  expect((await run('push', EXAMPLE_CONFIG, ...REGION)).code).toBe(0); // 2 providers, 5 models
  world.ssm.requests.length = 0;
});

const writes = () => world.ssm.requests.filter((request) => request.operation === 'PutParameter' || request.operation.startsWith('Delete'));

/** The example without the models named. */
function withoutModels(...ids: string[]) {
  return world.dir.writeEdited(`without-${ids.join('-')}.yaml`, (config) => {
    config.models = config.models.filter((model) => !ids.includes(model.id));
  });
}

describe('push with an empty file', () => {
  it.each([
    ['{}', '{}\n'],
    ['empty lists', 'providers: []\nmodels: []\n'],
  ])('refuses %s, even with --prune --force, and writes nothing', async (_name, text) => {
    const file = await world.dir.write('empty.yaml', text);
    for (const options of [[], ['--prune'], ['--prune', '--force']]) {
      expect(await run('push', file, ...REGION, ...options)).toEqual({
        code: 1,
        stdout: '',
        stderr: `mantle-gateway: ${file} has no providers and no models; push never writes an empty configuration\n`,
      });
    }
    expect(world.ssm.requests).toEqual([]);
    expect(documentsInSsm().length).toBe(7);
  });
});

describe('push --prune', () => {
  it('refuses to delete every document without --force, naming them, and writes nothing', async () => {
    const file = await world.dir.writeEdited('elsewhere.yaml', (config) => {
      const provider = { ...documentNamed(config.providers, 'mantle-us-east-2'), id: 'new-provider' };
      const model = documentNamed(config.models, 'qwen3-32b');
      config.providers = [provider];
      config.models = [{ ...model, id: 'new-model', routes: [{ ...(model['routes'] as object[])[0], provider: 'new-provider' }] }];
    });
    const result = await run('push', file, ...REGION, '--prune');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'mantle-gateway: refusing to delete 7 of the 7 providers and models in SSM /mantle-gateway in us-east-1 ' +
        '(a prune may delete at most half of them without --force):\n' +
        [
          '/mantle-gateway/models/claude-opus-4-7',
          '/mantle-gateway/models/gpt-55-bedrock',
          '/mantle-gateway/models/gpt-oss-120b',
          '/mantle-gateway/models/mistral-large-3',
          '/mantle-gateway/models/qwen3-32b',
          '/mantle-gateway/providers/mantle-us-east-2',
          '/mantle-gateway/providers/mantle-us-west-2',
        ]
          .map((name) => `  - ${name}\n`)
          .join('') +
        `Check ${file} and --prefix; if they are right, run the push again with --force.\n`,
    );
    expect(writes()).toEqual([]);
    expect(documentsInSsm().length).toBe(7);
  });

  it('refuses to delete more than half (4 of 7) without --force', async () => {
    const result = await run('push', await withoutModels('gpt-55-bedrock', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3'), ...REGION, '--prune');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mantle-gateway: refusing to delete 4 of the 7 providers and models in SSM \/mantle-gateway in us-east-1 /);
    expect(writes()).toEqual([]);
  });

  it('deletes half or less (3 of 7) without --force', async () => {
    const result = await run('push', await withoutModels('claude-opus-4-7', 'qwen3-32b', 'mistral-large-3'), ...REGION, '--prune');
    expect(result.code).toBe(0);
    expect(documentsInSsm().length).toBe(4);
  });

  it('deletes more than half with --force', async () => {
    const file = await withoutModels('gpt-55-bedrock', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3');
    const result = await run('push', file, ...REGION, '--prune', '--force');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: 0 created, 0 updated, 4 deleted, 3 unchanged\.\n$/);
    expect(documentsInSsm().sort()).toEqual([
      '/mantle-gateway/models/gpt-oss-120b',
      '/mantle-gateway/providers/mantle-us-east-2',
      '/mantle-gateway/providers/mantle-us-west-2',
    ]);
  });

  it('counts only what a prune deletes: a push without --prune keeps everything and needs no --force', async () => {
    const result = await run('push', await withoutModels('gpt-55-bedrock', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3'), ...REGION);
    expect(result.code).toBe(0);
    expect(documentsInSsm().length).toBe(7);
  });

  it('takes --force only with --prune', async () => {
    expect(await run('push', EXAMPLE_CONFIG, ...REGION, '--force')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'mantle-gateway: --force applies to push --prune only\nRun mantle-gateway --help for usage.\n',
    });
  });
});
