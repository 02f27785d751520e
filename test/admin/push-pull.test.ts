import { copyFile, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG, useCliWorld, documentNamed, readExample, run, type ExampleConfig } from './cli-harness.js';

const world = useCliWorld();

beforeEach(() => {
  world.ssm.parameters.clear();
  world.ssm.requests.length = 0;
});

const REGION = ['--region', 'us-east-1'] as const;
const EXAMPLE_NAMES = [
  '/mantle-gateway/providers/mantle-us-east-2',
  '/mantle-gateway/providers/mantle-us-west-2',
  '/mantle-gateway/models/gpt-55-bedrock',
  '/mantle-gateway/models/gpt-oss-120b',
  '/mantle-gateway/models/claude-opus-4-7',
  '/mantle-gateway/models/qwen3-32b',
  '/mantle-gateway/models/mistral-large-3',
];

const MARKER = '/mantle-gateway/revision';
/** Writes of documents (the revision marker's own write has its tests). */
const writes = () =>
  world.ssm.requests.filter((request) => (request.operation === 'PutParameter' || request.operation.startsWith('Delete')) && request.input['Name'] !== MARKER);
const markerWrites = () => world.ssm.requests.filter((request) => request.operation === 'PutParameter' && request.input['Name'] === MARKER);
const documentsInSsm = () => [...world.ssm.parameters.keys()].filter((name) => name !== MARKER).length;

async function pushExample(): Promise<void> {
  expect((await run('push', EXAMPLE_CONFIG, ...REGION)).code).toBe(0);
  world.ssm.requests.length = 0;
}

function routeOf(config: ExampleConfig, modelId: string): Record<string, unknown> {
  return (documentNamed(config.models, modelId)['routes'] as Array<Record<string, unknown>>)[0]!;
}

describe('mantle-gateway push', () => {
  it('writes each provider and model as one String parameter, providers first', async () => {
    const result = await run('push', EXAMPLE_CONFIG, ...REGION);
    expect(result).toEqual({
      code: 0,
      stdout:
        EXAMPLE_NAMES.map((name) => `created ${name}\n`).join('') +
        `Pushed ${EXAMPLE_CONFIG} to SSM /mantle-gateway in us-east-1: 7 created, 0 updated, 0 kept, 0 unchanged.\n`,
      stderr: '',
    });
    expect(writes().map((request) => request.input)).toEqual(
      EXAMPLE_NAMES.map((name) => expect.objectContaining({ Name: name, Type: 'String', Tier: 'Intelligent-Tiering', Overwrite: false })),
    );
    const example = await readExample();
    expect(JSON.parse(world.ssm.parameters.get('/mantle-gateway/models/gpt-55-bedrock')!.value)).toEqual(documentNamed(example.models, 'gpt-55-bedrock'));
  });

  it('writes nothing when SSM already matches', async () => {
    await pushExample();
    const result = await run('push', EXAMPLE_CONFIG, ...REGION);
    expect(result.stdout).toBe(`Nothing to write: SSM /mantle-gateway in us-east-1 already matches ${EXAMPLE_CONFIG} (7 unchanged).\n`);
    expect(writes()).toEqual([]);
  });

  it('writes only the model that changed, and says what changed', async () => {
    await pushExample();
    const file = await world.dir.writeEdited('changed.yaml', (config) => {
      routeOf(config, 'qwen3-32b')['upstream_model'] = 'qwen.qwen3-235b';
    });
    const result = await run('push', file, ...REGION);
    expect(result.stdout).toBe(
      'updated /mantle-gateway/models/qwen3-32b\n' +
        '    ~ routes[0].upstream_model: "qwen.qwen3-32b" -> "qwen.qwen3-235b"\n' +
        `Pushed ${file} to SSM /mantle-gateway in us-east-1: 0 created, 1 updated, 0 kept, 6 unchanged.\n`,
    );
    expect(writes()).toEqual([{ operation: 'PutParameter', input: expect.objectContaining({ Name: '/mantle-gateway/models/qwen3-32b', Overwrite: true }) }]);
    expect(world.ssm.parameters.get('/mantle-gateway/models/qwen3-32b')?.version).toBe(2);
  });

  it.each([
    [[] as string[], ['kept /mantle-gateway/providers/mantle-us-west-2', 'kept /mantle-gateway/models/mistral-large-3', 'kept /mantle-gateway/models/qwen3-32b'], 7],
    [['--prune'], ['deleted /mantle-gateway/models/mistral-large-3', 'deleted /mantle-gateway/models/qwen3-32b', 'deleted /mantle-gateway/providers/mantle-us-west-2'], 4],
  ])('with options %j handles documents the file no longer has', async (options, lines, remaining) => {
    await pushExample();
    const file = await world.dir.writeEdited('smaller.yaml', (config) => {
      config.providers = config.providers.filter((provider) => provider.id !== 'mantle-us-west-2');
      config.models = config.models.filter((model) => !['qwen3-32b', 'mistral-large-3'].includes(model.id));
      (documentNamed(config.models, 'gpt-oss-120b')['routes'] as unknown[]).pop();
    });
    const result = await run('push', file, ...REGION, ...options);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => /^(kept|deleted) /.test(line)).map((line) => line.split(':')[0])).toEqual(lines);
    expect(documentsInSsm()).toBe(remaining);
  });

  it('updates the revision marker after writing, so running gateways re-read within a TTL', async () => {
    await run('push', EXAMPLE_CONFIG, ...REGION);
    const lastDocumentWrite = world.ssm.requests.findLastIndex((request) => request.operation === 'PutParameter' && request.input['Name'] !== MARKER);
    const markerWrite = world.ssm.requests.findIndex((request) => request.input['Name'] === MARKER);
    expect(markerWrite).toBeGreaterThan(lastDocumentWrite);
    expect(markerWrites().map((request) => request.input)).toEqual([expect.objectContaining({ Type: 'String', Overwrite: true })]);
    const first = world.ssm.parameters.get(MARKER)!.value;
    expect(first).toMatch(/ push [0-9a-f]{8}$/);

    const file = await world.dir.writeEdited('marker.yaml', (config) => {
      routeOf(config, 'qwen3-32b')['upstream_model'] = 'qwen.qwen3-235b';
    });
    await run('push', file, ...REGION);
    expect(world.ssm.parameters.get(MARKER)!.value).not.toBe(first);
  });

  it('leaves the revision marker alone when nothing was written', async () => {
    await pushExample();
    await run('push', EXAMPLE_CONFIG, ...REGION);
    expect(markerWrites()).toEqual([]);
  });

  it('refuses an invalid file and writes nothing', async () => {
    const file = await world.dir.writeEdited('invalid.yaml', (config) => {
      routeOf(config, 'qwen3-32b')['provider'] = 'nowhere';
    });
    const result = await run('push', file, ...REGION);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `mantle-gateway: ${file} is not a valid gateway config:\n  - model "qwen3-32b" route 0: provider "nowhere" is not defined\n`,
    );
    expect(world.ssm.requests).toEqual([]);
  });

  it('stores a model larger than 4 KB on the advanced tier', async () => {
    const file = await world.dir.writeEdited('large.yaml', (config) => {
      documentNamed(config.models, 'qwen3-32b')['description'] = 'Qwen3 32B. '.repeat(500);
    });
    expect((await run('push', file, ...REGION)).code).toBe(0);
    expect(world.ssm.parameters.get('/mantle-gateway/models/qwen3-32b')?.tier).toBe('Advanced');
    expect(world.ssm.parameters.get('/mantle-gateway/models/gpt-55-bedrock')?.tier).toBe('Standard');
  });

  it('keeps a document an admin stored as a SecureString encrypted', async () => {
    await pushExample();
    const name = '/mantle-gateway/providers/mantle-us-east-2';
    world.ssm.put(name, world.ssm.parameters.get(name)!.value.replace('"icon_key":"aws"', '"icon_key":"aws-dark"'), 'SecureString');
    expect((await run('push', EXAMPLE_CONFIG, ...REGION)).stdout).toContain(`updated ${name}\n    ~ display.icon_key: "aws-dark" -> "aws"\n`);
    expect(world.ssm.parameters.get(name)?.type).toBe('SecureString');
  });

  it('writes under another prefix', async () => {
    expect((await run('push', EXAMPLE_CONFIG, ...REGION, '--prefix', '/team-a/gateway')).code).toBe(0);
    expect([...world.ssm.parameters.keys()].every((name) => name.startsWith('/team-a/gateway/'))).toBe(true);
    expect(world.ssm.parameters.size).toBe(8); // 7 documents and the prefix's own revision marker
    expect(world.ssm.parameters.has('/team-a/gateway/revision')).toBe(true);
  });
});

describe('mantle-gateway pull', () => {
  it('reads only the provider and model sub-paths: keys and other SecureStrings under the prefix are never fetched', async () => {
    await pushExample();
    world.ssm.put('/mantle-gateway/keys/0123456789abcdef', '{"hash":"sha256:canary-key-document"}', 'SecureString');
    world.ssm.put('/mantle-gateway/other/bearer-token', 'canary-bearer-token', 'SecureString');
    // An admin without kms:Decrypt on the key's KMS key: any read that would decrypt it is refused.
    world.ssm.intercept((request) => (request.operation === 'GetParametersByPath' && !/\/(providers|models)$/.test(String(request.input['Path'])) ? 'access-denied' : undefined));
    try {
      const result = await run('pull', ...REGION);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('canary');
    } finally {
      world.ssm.intercept(undefined);
    }
    const paths = world.ssm.requests.filter((request) => request.operation === 'GetParametersByPath').map((request) => request.input['Path']);
    expect(new Set(paths)).toEqual(new Set(['/mantle-gateway/providers', '/mantle-gateway/models']));
  });

  it('gives back the example config unchanged, byte for byte, when pulled into the file it was pushed from', async () => {
    await pushExample();
    const file = world.dir.file('round-trip.yaml');
    await copyFile(EXAMPLE_CONFIG, file);
    const result = await run('pull', file, ...REGION);
    expect(result).toEqual({
      code: 0,
      stdout: `Wrote 2 providers and 5 models from SSM /mantle-gateway in us-east-1 to ${file}.\n`,
      stderr: '',
    });
    expect(await readFile(file, 'utf8')).toBe(await readFile(EXAMPLE_CONFIG, 'utf8'));
  });

  it('writes the same documents to stdout, each with its keys in file order, ordered by id', async () => {
    await pushExample();
    const result = await run('pull', ...REGION);
    const pulled = parse(result.stdout) as ExampleConfig;
    const example = await readExample();
    const byId = (documents: ExampleConfig['models']) => [...documents].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(JSON.stringify(pulled.providers)).toBe(JSON.stringify(byId(example.providers)));
    expect(JSON.stringify(pulled.models)).toBe(JSON.stringify(byId(example.models)));
    expect(result.stdout).toContain('    tags: [bedrock, mantle, anthropic]\n');
  });

  it('replaces only what changed in SSM, keeping the file’s comments, and appends new models', async () => {
    await pushExample();
    const gpt = JSON.parse(world.ssm.parameters.get('/mantle-gateway/models/gpt-oss-120b')!.value) as Record<string, unknown>;
    world.ssm.put('/mantle-gateway/models/gpt-oss-120b', JSON.stringify({ ...gpt, description: 'edited in SSM' }));
    world.ssm.put('/mantle-gateway/models/aaa-new', JSON.stringify({ ...gpt, id: 'aaa-new' }));
    world.ssm.delete('/mantle-gateway/models/mistral-large-3');
    const file = world.dir.file('merged.yaml');
    await copyFile(EXAMPLE_CONFIG, file);

    expect((await run('pull', file, ...REGION)).code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('  # gpt-oss serves both Chat Completions and Responses on /v1: one route per surface, and a second region.\n  - id: gpt-oss-120b\n    description: edited in SSM\n');
    expect(text).toContain('# Claude is served only on the Anthropic Messages surface.');
    const pulled = parse(text) as ExampleConfig;
    expect(pulled.models.map((model) => model.id)).toEqual(['gpt-55-bedrock', 'gpt-oss-120b', 'claude-opus-4-7', 'qwen3-32b', 'aaa-new']);
  });

  it('refuses to pull a parameter that does not hold JSON, and writes nothing', async () => {
    await pushExample();
    world.ssm.put('/mantle-gateway/models/qwen3-32b', 'qwen3-32b: not json');
    const file = world.dir.file('never-written.yaml');
    expect(await run('pull', file, ...REGION)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mantle-gateway: cannot pull: /mantle-gateway/models/qwen3-32b does not hold a JSON object; fix or delete it first\n',
    });
    await expect(readFile(file)).rejects.toThrow();
  });

  it.each([
    ['a YAML syntax error', '# my notes\nmodels:\n  - id: [unclosed\n', /^mantle-gateway: .*broken\.yaml: .* at line \d+, column \d+:?\n/],
    ['a duplicate key', '# my notes\nproviders: []\nproviders: []\n', /^mantle-gateway: .*broken\.yaml: Map keys must be unique at line 3, column 1:?\n/],
    ['a top level that is not a mapping', '# my notes\n- a list\n', /^mantle-gateway: .*broken\.yaml: not a route file \(its top level is not a mapping\)\n/],
  ])('leaves a file with %s unchanged, exits 1 with the error, and does not read SSM', async (_name, text, message) => {
    await pushExample();
    const file = await world.dir.write('broken.yaml', text);
    const result = await run('pull', file, ...REGION);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/pull never replaces a file it cannot read as YAML: fix it, or pull to stdout or a new file\.\n$/);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(world.ssm.requests).toEqual([]);
  });

  it('writes into an existing empty file', async () => {
    await pushExample();
    const file = await world.dir.write('empty.yaml', '');
    expect((await run('pull', file, ...REGION)).code).toBe(0);
    expect((parse(await readFile(file, 'utf8')) as ExampleConfig).models).toHaveLength(5);
  });

  it('writes documents that fail validation as they are, with a note', async () => {
    await pushExample();
    world.ssm.put('/mantle-gateway/models/broken', JSON.stringify({ id: 'broken', routes: [] }));
    const result = await run('pull', ...REGION);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'note: some documents in SSM do not pass validation (the gateway serves their last-known-good versions, or leaves them out):\n' +
        '  - model "broken": routes must be a non-empty list\n',
    );
    expect((parse(result.stdout) as ExampleConfig).models.map((model) => model.id)).toContain('broken');
  });
});
