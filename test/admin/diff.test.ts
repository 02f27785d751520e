import { readConfigDocument } from '../../lambda/config/load-config-file.js';
import { toParameters } from '../../lambda/config-store/parameter-layout.js';
import { EXAMPLE_CONFIG, useCliWorld, documentNamed, run, type ExampleConfig } from './cli-harness.js';

const world = useCliWorld();

/** SSM holds the example config, as a push would have written it. */
beforeEach(async () => {
  world.ssm.parameters.clear();
  world.ssm.requests.length = 0;
  const document = (await readConfigDocument(EXAMPLE_CONFIG)) as { providers: unknown[]; models: unknown[] };
  for (const [name, value] of toParameters('/mantle-gateway', document)) world.ssm.put(name, value);
});

function routeOf(config: ExampleConfig, modelId: string, index = 0): Record<string, unknown> {
  return (documentNamed(config.models, modelId)['routes'] as Array<Record<string, unknown>>)[index]!;
}

const header = (file: string) => `Comparing ${file} with SSM /mantle-gateway in us-east-1\n\n`;

describe('mantle-gateway diff', () => {
  it('reports no differences against the config it was pushed from', async () => {
    const result = await run('diff', EXAMPLE_CONFIG, '--region', 'us-east-1');
    expect(result).toEqual({ code: 0, stdout: `${header(EXAMPLE_CONFIG)}No differences (7 unchanged).\n`, stderr: '' });
  });

  it.each<[string, (config: ExampleConfig) => void, string]>([
    [
      'an added model',
      (config) => config.models.push({ id: 'gpt-oss-20b', routes: [{ ...routeOf(config, 'gpt-oss-120b'), upstream_model: 'openai.gpt-oss-20b' }] }),
      'models\n  + gpt-oss-20b (new)\n\n1 to add, 0 to change, 0 to remove with --prune, 7 unchanged.\n',
    ],
    [
      'a changed model',
      (config) => {
        routeOf(config, 'gpt-55-bedrock')['upstream_model'] = 'openai.gpt-5.6';
      },
      'models\n  ~ gpt-55-bedrock\n      ~ routes[0].upstream_model: "openai.gpt-5.5" -> "openai.gpt-5.6"\n\n' +
        '0 to add, 1 to change, 0 to remove with --prune, 6 unchanged.\n',
    ],
    [
      'fields added, removed and a route dropped',
      (config) => {
        const model = documentNamed(config.models, 'gpt-oss-120b');
        delete model['tags'];
        (model['routes'] as unknown[]).pop();
        (routeOf(config, 'gpt-oss-120b')['capabilities'] as Record<string, unknown>)['embeddings'] = false;
      },
      'models\n  ~ gpt-oss-120b\n' +
        '      + routes[0].capabilities.embeddings: false\n' +
        '      - routes[2]: {"provider":"mantle-us-west-2","upstream_model":"openai.gpt-oss-120b","capabilities":{"chat_complet…\n' +
        '      - tags: ["bedrock","mantle","openai","open-weights"]\n\n' +
        '0 to add, 1 to change, 0 to remove with --prune, 6 unchanged.\n',
    ],
    [
      'a removed model',
      (config) => {
        config.models = config.models.filter((model) => model.id !== 'mistral-large-3');
      },
      'models\n  - mistral-large-3 (only in SSM; push --prune deletes it)\n\n0 to add, 0 to change, 1 to remove with --prune, 6 unchanged.\n',
    ],
    [
      'an added provider',
      (config) => config.providers.push({ id: 'mantle-eu-west-1', type: 'aws_bedrock', region: 'eu-west-1', auth: { mode: 'default_chain' } }),
      'providers\n  + mantle-eu-west-1 (new)\n\n1 to add, 0 to change, 0 to remove with --prune, 7 unchanged.\n',
    ],
    [
      'a changed provider',
      (config) => {
        documentNamed(config.providers, 'mantle-us-west-2')['display'] = { label: 'Oregon' };
      },
      'providers\n  ~ mantle-us-west-2\n      ~ display.label: "Bedrock Mantle (Oregon)" -> "Oregon"\n      - display.icon_key: "aws"\n\n' +
        '0 to add, 1 to change, 0 to remove with --prune, 6 unchanged.\n',
    ],
    [
      'a removed provider with the models that used it',
      (config) => {
        config.providers = config.providers.filter((provider) => provider.id !== 'mantle-us-west-2');
        config.models = config.models.filter((model) => !['qwen3-32b', 'mistral-large-3'].includes(model.id));
        (documentNamed(config.models, 'gpt-oss-120b')['routes'] as unknown[]).pop();
      },
      'providers\n  - mantle-us-west-2 (only in SSM; push --prune deletes it)\n' +
        'models\n  ~ gpt-oss-120b\n' +
        '      - routes[2]: {"provider":"mantle-us-west-2","upstream_model":"openai.gpt-oss-120b","capabilities":{"chat_complet…\n' +
        '  - mistral-large-3 (only in SSM; push --prune deletes it)\n  - qwen3-32b (only in SSM; push --prune deletes it)\n\n' +
        '0 to add, 1 to change, 3 to remove with --prune, 3 unchanged.\n',
    ],
  ])('shows %s', async (_case, edit, expected) => {
    const file = await world.dir.writeEdited('edited.yaml', edit);
    const result = await run('diff', file, '--region', 'us-east-1');
    expect(result).toEqual({ code: 0, stdout: header(file) + expected, stderr: '' });
    expect(world.ssm.requests.map((request) => request.operation)).toEqual(['GetParametersByPath', 'GetParametersByPath']); // providers, models: reads only
  });

  it('shows a parameter an admin broke by hand as changed', async () => {
    world.ssm.put('/mantle-gateway/models/qwen3-32b', '{"id": "qwen3-32b", ');
    const result = await run('diff', EXAMPLE_CONFIG, '--region', 'us-east-1');
    expect(result.stdout).toContain('models\n  ~ qwen3-32b\n      ~ (document): SSM holds a value that is not valid JSON; push replaces it\n');
  });

  it('ignores key order and formatting, as the gateway does', async () => {
    const name = '/mantle-gateway/providers/mantle-us-east-2';
    const stored = JSON.parse(world.ssm.parameters.get(name)!.value) as Record<string, unknown>;
    world.ssm.put(name, JSON.stringify(Object.fromEntries(Object.entries(stored).reverse()), null, 2));
    expect((await run('diff', EXAMPLE_CONFIG, '--region', 'us-east-1')).stdout).toContain('No differences (7 unchanged).');
  });

  it('compares against another prefix', async () => {
    const result = await run('diff', EXAMPLE_CONFIG, '--region', 'us-east-1', '--prefix', '/team-a/gateway/');
    expect(result.stdout).toContain('Comparing');
    expect(result.stdout).toContain('with SSM /team-a/gateway in us-east-1');
    expect(result.stdout).toContain('7 to add, 0 to change, 0 to remove with --prune, 0 unchanged.');
  });
});
