import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigValidationError, validateGatewayConfig } from '../../lambda/config/validate.js';
import { loadConfigFile } from '../../lambda/config/load-config-file.js';

type Doc = Record<string, any>;

function provider(overrides: Doc = {}): Doc {
  return { id: 'mantle-east', type: 'aws_bedrock', region: 'us-east-2', endpoint_kind: 'bedrock_mantle', auth: { mode: 'default_chain' }, ...overrides };
}

function responsesRoute(overrides: Doc = {}): Doc {
  return {
    provider: 'mantle-east',
    upstream_model: 'openai.gpt-5.5',
    capabilities: { responses: true, stream: true },
    compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1' } },
    ...overrides,
  };
}

function messagesRoute(overrides: Doc = {}): Doc {
  return {
    provider: 'mantle-east',
    upstream_model: 'anthropic.claude-opus-4-7',
    compatibility: { aws_bedrock: { api_style: 'mantle_anthropic_messages' } },
    ...overrides,
  };
}

function config(models: Doc[], providers: Doc[] = [provider()]): Doc {
  return { providers, models };
}

function issuesOf(raw: unknown): readonly string[] {
  try {
    validateGatewayConfig(raw);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('validateGatewayConfig', () => {
  it('loads the admin example (bearer auth, project header) unchanged', async () => {
    const loaded = await loadConfigFile('config/examples/gpt55-bearer.yaml');
    const route = loaded.models[0]!.routes[0]!;
    expect(loaded.providers[0]).toMatchObject({
      id: 'bedrock-mantle-openai',
      endpoint: 'https://bedrock-mantle.us-east-2.api.aws',
      auth: { mode: 'bearer', token: { source: 'env', name: 'AWS_BEARER_TOKEN_BEDROCK' } },
    });
    expect(route).toMatchObject({ api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1', extra_headers: { 'OpenAI-Project': 'proj_123' } });
    expect(route.capabilities.chat_completions).toBe(false);
  });

  it('loads the shipped config/gateway.yaml with a route for every api style', async () => {
    const loaded = await loadConfigFile('config/gateway.yaml');
    const styles = new Set(loaded.models.flatMap((model) => model.routes.map((route) => route.api_style)));
    expect([...styles].sort()).toEqual(['mantle_anthropic_messages', 'mantle_openai_chat', 'mantle_openai_responses']);
  });

  it('derives endpoint capabilities from the api style and defaults features to allowed', () => {
    const loaded = validateGatewayConfig(config([{ id: 'claude', routes: [messagesRoute()] }]));
    expect(loaded.models[0]!.routes[0]!.capabilities).toEqual({
      chat_completions: false, responses: false, messages: true, count_tokens: true, embeddings: false,
      stream: true, tools: true, vision: true, json_schema: true,
    });
  });

  it('defaults auth to the default credential chain and the endpoint to the regional Mantle host', () => {
    const { auth, ...withoutAuth } = provider();
    const loaded = validateGatewayConfig(config([], [withoutAuth]));
    expect(loaded.providers[0]).toMatchObject({ auth: { mode: 'default_chain' }, endpoint: 'https://bedrock-mantle.us-east-2.api.aws' });
  });

  it('accepts an endpoint override and an ssm: bearer token reference', () => {
    const loaded = validateGatewayConfig(config([], [provider({ endpoint: 'https://vpce-1.bedrock-mantle.us-east-2.vpce.amazonaws.com/', auth: { mode: 'bearer', token: 'ssm:/mantle-gateway/secrets/key' } })]));
    expect(loaded.providers[0]).toMatchObject({
      endpoint: 'https://vpce-1.bedrock-mantle.us-east-2.vpce.amazonaws.com',
      auth: { mode: 'bearer', token: { source: 'ssm', name: '/mantle-gateway/secrets/key' } },
    });
  });

  it.each<[string, Doc, string]>([
    ['an unknown top-level key', { providers: [], models: [], extras: 1 }, 'config: unknown key extras'],
    ['an unknown provider key', config([], [provider({ secret: 'x' })]), 'provider "mantle-east": unknown key secret'],
    ['an unknown route key', config([{ id: 'm', routes: [responsesRoute({ fallback: true })] }]), 'model "m" route 0: unknown key fallback'],
    ['an unknown capability', config([{ id: 'm', routes: [responsesRoute({ capabilities: { teleport: true } })] }]), 'model "m" route 0: unknown key capabilities.teleport'],
    ['an unknown aws_bedrock key', config([{ id: 'm', routes: [responsesRoute({ compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/v1', region: 'x' } } })] }]), 'model "m" route 0: unknown key compatibility.aws_bedrock.region'],
    ['a missing openai_base_path', config([{ id: 'm', routes: [responsesRoute({ compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses' } } })] }]), 'model "m" route 0: compatibility.aws_bedrock.openai_base_path is required'],
    ['a wrong openai_base_path', config([{ id: 'm', routes: [responsesRoute({ compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/openai' } } })] }]), 'model "m" route 0: compatibility.aws_bedrock.openai_base_path must be one of /v1, /openai/v1'],
    ['an openai_base_path on a Messages route', config([{ id: 'm', routes: [messagesRoute({ compatibility: { aws_bedrock: { api_style: 'mantle_anthropic_messages', openai_base_path: '/v1' } } })] }]), 'model "m" route 0: compatibility.aws_bedrock.openai_base_path does not apply to api_style mantle_anthropic_messages'],
    ['a missing api_style', config([{ id: 'm', routes: [responsesRoute({ compatibility: undefined })] }]), 'model "m" route 0: compatibility.aws_bedrock.api_style is required'],
    ['an unknown api_style', config([{ id: 'm', routes: [responsesRoute({ compatibility: { aws_bedrock: { api_style: 'bedrock_converse' } } })] }]), 'model "m" route 0: compatibility.aws_bedrock.api_style must be one of'],
    ['a capability contradicting the api_style', config([{ id: 'm', routes: [responsesRoute({ capabilities: { chat_completions: true } })] }]), 'model "m" route 0: capabilities.chat_completions: true contradicts api_style mantle_openai_responses'],
    ['the api_style\'s own endpoint switched off', config([{ id: 'm', routes: [messagesRoute({ capabilities: { messages: false } })] }]), 'model "m" route 0: capabilities.messages: false contradicts api_style mantle_anthropic_messages'],
    ['embeddings on any route', config([{ id: 'm', routes: [responsesRoute({ capabilities: { embeddings: true } })] }]), 'model "m" route 0: capabilities.embeddings: true contradicts'],
    ['a non-boolean capability', config([{ id: 'm', routes: [responsesRoute({ capabilities: { stream: 'yes' } })] }]), 'model "m" route 0: capabilities.stream must be true or false'],
    ['a route naming a missing provider', config([{ id: 'm', routes: [responsesRoute({ provider: 'nowhere' })] }]), 'model "m" route 0: provider "nowhere" is not defined'],
    ['a duplicate model id', config([{ id: 'm', routes: [responsesRoute()] }, { id: 'm', routes: [responsesRoute()] }]), 'model "m": duplicate id (models[1])'],
    ['a duplicate provider id', config([], [provider(), provider()]), 'provider "mantle-east": duplicate id (providers[1])'],
    ['extra_headers setting authorization', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { Authorization: 'Bearer x' } })] }]), 'model "m" route 0: extra_headers.Authorization is not allowed: it carries credentials'],
    ['extra_headers setting x-api-key', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { 'x-api-key': 'k' } })] }]), 'model "m" route 0: extra_headers.x-api-key is not allowed'],
    ['extra_headers setting x-amz-security-token', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { 'X-Amz-Security-Token': 't' } })] }]), 'model "m" route 0: extra_headers.X-Amz-Security-Token is not allowed'],
    ['extra_headers setting host', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { Host: 'evil.example' } })] }]), 'model "m" route 0: extra_headers.Host is not allowed: host is set from the provider endpoint'],
    ['extra_headers setting a hop-by-hop header', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { Connection: 'close' } })] }]), 'model "m" route 0: extra_headers.Connection is not allowed: it is a hop-by-hop header'],
    ['extra_headers with a newline in a value', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { 'OpenAI-Project': 'p\r\nx-evil: 1' } })] }]), 'model "m" route 0: extra_headers.OpenAI-Project must be a single-line string'],
    ['the Anthropic project header on an OpenAI route', config([{ id: 'm', routes: [responsesRoute({ extra_headers: { 'anthropic-workspace': 'proj_1' } })] }]), 'model "m" route 0: extra_headers.anthropic-workspace does not apply to api_style mantle_openai_responses'],
    ['anthropic_betas on an OpenAI route', config([{ id: 'm', routes: [responsesRoute({ compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/v1', anthropic_betas: ['x'] } } })] }]), 'anthropic_betas only applies to api_style mantle_anthropic_messages'],
    ['a bedrock-runtime style model id', config([{ id: 'm', routes: [messagesRoute({ upstream_model: 'us.anthropic.claude-opus-4-7' })] }]), 'model "m" route 0: upstream_model "us.anthropic.claude-opus-4-7" looks like a bedrock-runtime id'],
    ['a model without routes', config([{ id: 'm', routes: [] }]), 'model "m": routes must be a non-empty list'],
    ['a model id SSM cannot name', config([{ id: 'gpt 5', routes: [responsesRoute()] }]), 'model "gpt 5": id "gpt 5" is not valid'],
    ['a bearer token given inline', config([], [provider({ auth: { mode: 'bearer', token: 'ABSKsecretvalue' } })]), 'provider "mantle-east": auth.token must be env.NAME or ssm:/parameter/path'],
    ['an unknown auth mode', config([], [provider({ auth: { mode: 'static_keys' } })]), 'provider "mantle-east": auth.mode must be one of default_chain, bearer'],
    ['a region that is not one', config([], [provider({ region: 'ohio' })]), 'provider "mantle-east": region "ohio" is not valid'],
    ['an endpoint with a path', config([], [provider({ endpoint: 'https://example.com/v1' })]), 'provider "mantle-east": endpoint must not have a path'],
    ['a wrong provider type', config([], [provider({ type: 'openai' })]), 'provider "mantle-east": type must be one of aws_bedrock'],
  ])('rejects %s', (_name, raw, expected) => {
    expect(issuesOf(raw).join('\n')).toContain(expected);
  });

  it.each([
    ['Expect', '100-continue', 'the gateway sends the whole body at once'],
    ['Content-Encoding', 'gzip', 'the gateway sends the caller\'s JSON body as is'],
    ['content-type', 'text/plain', 'the gateway sends the caller\'s JSON body as is'],
    ['Accept-Encoding', 'gzip', 'the gateway asks Mantle for uncompressed bytes'],
    ['Accept', 'text/html', 'it is taken from the caller'],
    ['User-Agent', 'my-agent/1', 'the gateway identifies itself'],
    ['anthropic-version', '2023-01-01', 'it is taken from the caller'],
    ['anthropic-beta', 'some-beta', 'set compatibility.aws_bedrock.anthropic_betas instead'],
  ])('rejects extra_headers setting %s, which the gateway owns, naming model, route and field', (name, value, reason) => {
    const route = name.startsWith('anthropic') ? messagesRoute({ extra_headers: { [name]: value } }) : responsesRoute({ extra_headers: { [name]: value } });
    expect(issuesOf(config([{ id: 'm', routes: [route] }])).join('\n')).toContain(`model "m" route 0: extra_headers.${name} is not allowed: ${reason}`);
  });

  it('never echoes an inline bearer token in its message', () => {
    expect(issuesOf(config([], [provider({ auth: { mode: 'bearer', token: 'ABSKsecretvalue' } })])).join('\n')).not.toContain('ABSKsecretvalue');
  });

  it('reports every problem at once, not just the first', () => {
    const issues = issuesOf(config([
      { id: 'a', routes: [responsesRoute({ provider: 'nowhere' })] },
      { id: 'b', routes: [messagesRoute(), responsesRoute({ capabilities: { messages: true } })] },
    ]));
    expect(issues).toEqual([
      'model "a" route 0: provider "nowhere" is not defined',
      'model "b" route 1: capabilities.messages: true contradicts api_style mantle_openai_responses, which serves only responses',
    ]);
  });

  it('rejects a YAML file with a syntax error, naming the file and line', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'providers:\n  - id: a\n   region: x\n');
    await expect(loadConfigFile(file)).rejects.toThrow(/bad\.yaml: .*line 3/);
  });

  it('keeps the shipped example parseable as plain YAML with the issue\'s exact shape', async () => {
    const text = await readFile('config/examples/gpt55-bearer.yaml', 'utf8');
    expect(parse(text).models[0].routes[0].compatibility.aws_bedrock.openai_base_path).toBe('/openai/v1');
  });
});
