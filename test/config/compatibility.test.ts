import { ConfigValidationError, validateGatewayConfig } from '../../lambda/config/validate.js';

type Doc = Record<string, any>;

const provider: Doc = { id: 'mantle-east', type: 'aws_bedrock', region: 'us-east-2', auth: { mode: 'default_chain' } };

function route(aws_bedrock: Doc, extra: Doc = {}): Doc {
  return { provider: 'mantle-east', upstream_model: 'openai.gpt-5.5', compatibility: { aws_bedrock }, ...extra };
}
const responses = { api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1' };
const chat = { api_style: 'mantle_openai_chat', openai_base_path: '/v1' };
const messages = { api_style: 'mantle_anthropic_messages' };

function load(routeDoc: Doc) {
  return validateGatewayConfig({ providers: [provider], models: [{ id: 'gpt-55', routes: [routeDoc] }] }).models[0]!.routes[0]!;
}

function issuesOf(routeDoc: Doc): string[] {
  try {
    load(routeDoc);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.issues];
    throw error;
  }
}

describe('compatibility.aws_bedrock.bridge', () => {
  it('implies the chat endpoint on a Responses route', () => {
    const loaded = load(route({ ...responses, bridge: ['chat_completions'] }));
    expect(loaded.bridge).toEqual(['chat_completions']);
    expect(loaded.capabilities).toMatchObject({ chat_completions: true, responses: true });
  });

  it('accepts capabilities.chat_completions: true alongside the bridge', () => {
    expect(load(route({ ...responses, bridge: ['chat_completions'] }, { capabilities: { chat_completions: true } })).capabilities.chat_completions).toBe(true);
  });

  it('leaves a route without a bridge as it was', () => {
    const loaded = load(route(responses));
    expect(loaded.bridge).toBeUndefined();
    expect(loaded.capabilities.chat_completions).toBe(false);
  });

  it.each<[string, Doc, string]>([
    ['on a Chat route', route({ ...chat, bridge: ['chat_completions'] }), 'model "gpt-55" route 0: compatibility.aws_bedrock.bridge only applies to api_style mantle_openai_responses'],
    ['on a Messages route', route({ ...messages, bridge: ['chat_completions'] }, { upstream_model: 'anthropic.claude-opus-4-7' }), 'model "gpt-55" route 0: compatibility.aws_bedrock.bridge only applies to api_style mantle_openai_responses'],
    ['naming an endpoint it cannot bridge', route({ ...responses, bridge: ['messages'] }), 'model "gpt-55" route 0: compatibility.aws_bedrock.bridge may list only chat_completions, got "messages"'],
    ['that is not a list', route({ ...responses, bridge: 'chat_completions' }), 'model "gpt-55" route 0: compatibility.aws_bedrock.bridge must be a list of non-empty strings'],
    ['with the chat endpoint switched off', route({ ...responses, bridge: ['chat_completions'] }, { capabilities: { chat_completions: false } }), 'model "gpt-55" route 0: capabilities.chat_completions: false contradicts compatibility.aws_bedrock.bridge'],
  ])('is rejected %s', (_case, routeDoc, expected) => {
    expect(issuesOf(routeDoc).join("\n")).toContain(expected);
  });

  it('still rejects capabilities.chat_completions: true without a bridge', () => {
    expect(issuesOf(route(responses, { capabilities: { chat_completions: true } }))).toContain(
      'model "gpt-55" route 0: capabilities.chat_completions: true contradicts api_style mantle_openai_responses, which serves only responses',
    );
  });
});

describe('compatibility.aws_bedrock.thinking', () => {
  const claude = { upstream_model: 'anthropic.claude-opus-4-7' };

  it('is kept on a Messages route', () => {
    expect(load(route({ ...messages, thinking: 'adaptive_only' }, claude)).thinking).toBe('adaptive_only');
  });

  it('is absent unless declared', () => {
    expect(load(route(messages, claude)).thinking).toBeUndefined();
  });

  it.each<[string, Doc, string]>([
    ['on a Responses route', route({ ...responses, thinking: 'adaptive_only' }), 'model "gpt-55" route 0: compatibility.aws_bedrock.thinking only applies to api_style mantle_anthropic_messages'],
    ['on a Chat route', route({ ...chat, thinking: 'adaptive_only' }), 'model "gpt-55" route 0: compatibility.aws_bedrock.thinking only applies to api_style mantle_anthropic_messages'],
    ['with an unknown value', route({ ...messages, thinking: 'enabled_only' }, claude), 'model "gpt-55" route 0: compatibility.aws_bedrock.thinking must be one of adaptive_only, got "enabled_only"'],
  ])('is rejected %s', (_case, routeDoc, expected) => {
    expect(issuesOf(routeDoc).join("\n")).toContain(expected);
  });
});
