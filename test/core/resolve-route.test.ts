import { loadConfigFile } from '../../lambda/config/load-config-file.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { compileRouteTable, type RouteTable } from '../../lambda/core/route-table.js';
import { resolveRoutes } from '../../lambda/core/resolve-route.js';
import { ALL_MODELS } from '../../lambda/auth/grants.js';
import type { InferenceOperation } from '../../lambda/core/endpoints.js';
import type { FeatureName } from '../../lambda/core/request-features.js';

function resolveRoute(table: RouteTable, model: string, operation: InferenceOperation, features: FeatureName[]) {
  return resolveRoutes(table, model, operation, features, ALL_MODELS).routes[0]!;
}

const chatStyle = { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } };

describe('resolveRoutes', () => {
  let table: RouteTable;
  beforeAll(async () => {
    table = compileRouteTable(await loadConfigFile('config/gateway.yaml'));
  });

  it('picks the route of the requested surface and builds its base URL', () => {
    const chat = resolveRoute(table, 'gpt-oss-120b', 'chat_completions', []);
    const responses = resolveRoute(table, 'gpt-oss-120b', 'responses_create', ['stream']);
    expect(chat.baseUrl).toBe('https://bedrock-mantle.us-east-2.api.aws/v1');
    expect(chat.route.api_style).toBe('mantle_openai_chat');
    expect(responses.route.api_style).toBe('mantle_openai_responses');
    expect(resolveRoute(table, 'claude-opus-4-7', 'count_tokens', []).baseUrl).toBe('https://bedrock-mantle.us-east-2.api.aws/anthropic/v1');
    expect(resolveRoute(table, 'gpt-55-bedrock', 'responses_create', []).baseUrl).toBe('https://bedrock-mantle.us-east-2.api.aws/openai/v1');
  });

  it('uses the first route that fits, in the admin\'s order', () => {
    expect(resolveRoute(table, 'gpt-oss-120b', 'chat_completions', ['tools']).provider.region).toBe('us-east-2');
  });

  it('skips a route lacking a capability when a later one has it', () => {
    const config = validateGatewayConfig({
      providers: [{ id: 'a', type: 'aws_bedrock', region: 'us-east-1' }, { id: 'b', type: 'aws_bedrock', region: 'us-west-2' }],
      models: [{
        id: 'm',
        routes: [
          { provider: 'a', upstream_model: 'qwen.qwen3-32b', capabilities: { tools: false }, compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } },
          { provider: 'b', upstream_model: 'qwen.qwen3-32b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } },
        ],
      }],
    });
    expect(resolveRoute(compileRouteTable(config), 'm', 'chat_completions', ['tools']).provider.id).toBe('b');
  });

  it('picks the bridged Responses route for a Chat call to a Responses-only model', () => {
    const bridged = resolveRoute(table, 'gpt-55-bedrock', 'chat_completions', ['stream', 'tools']);
    expect(bridged.route).toMatchObject({ api_style: 'mantle_openai_responses', bridge: ['chat_completions'] });
    expect(bridged.baseUrl).toBe('https://bedrock-mantle.us-east-2.api.aws/openai/v1');
  });

  it('lists every fitting route, by priority and then in config order, for fallback', () => {
    const config = validateGatewayConfig({
      providers: ['a', 'b', 'c'].map((id, index) => ({ id, type: 'aws_bedrock', region: ['us-east-1', 'us-east-2', 'us-west-2'][index] })),
      models: [{
        id: 'm',
        routes: [
          { provider: 'a', upstream_model: 'qwen.qwen3-32b', priority: 1, compatibility: chatStyle },
          { provider: 'b', upstream_model: 'qwen.qwen3-32b', compatibility: chatStyle },
          { provider: 'c', upstream_model: 'qwen.qwen3-32b', weight: 2, compatibility: chatStyle },
        ],
      }],
    });
    const candidates = resolveRoutes(compileRouteTable(config), 'm', 'chat_completions', [], ALL_MODELS);
    expect(candidates.routes.map((route) => route.provider.id)).toEqual(['b', 'c', 'a']);
    expect(candidates.weighted).toBe(true);
  });

  it('answers 404 for a model the gateway does not have', () => {
    expect(() => resolveRoute(table, 'gpt-4o', 'chat_completions', [])).toThrow(expect.objectContaining({ status: 404, code: 'model_not_found' }));
  });

  it('answers 400 naming the endpoints a model does support', () => {
    expect(() => resolveRoute(table, 'qwen3-32b', 'responses_create', [])).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringContaining('it supports /v1/chat/completions.') }),
    );
    expect(() => resolveRoute(table, 'gpt-55-bedrock', 'messages', [])).toThrow(
      expect.objectContaining({ status: 400, message: 'The model "gpt-55-bedrock" is not available on /v1/messages; it supports /v1/chat/completions (bridged to the Responses API), /v1/responses.' }),
    );
    expect(() => resolveRoute(table, 'claude-opus-4-7', 'responses_create', [])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('/v1/messages, /v1/messages/count_tokens') }),
    );
  });

  it.each([
    ['gpt-oss-120b', 'chat_completions', 'vision', 'image inputs'],
    ['claude-opus-4-7', 'messages', 'json_schema', 'JSON schema output'],
  ] as const)('answers 400 when %s on %s cannot take %s', (model, operation, feature, wording) => {
    expect(() => resolveRoute(table, model, operation, [feature])).toThrow(
      expect.objectContaining({ status: 400, code: 'unsupported_capability', message: expect.stringContaining(wording) }),
    );
  });

  it('lists distinct Responses upstreams for stored-response lookups', () => {
    expect(table.responsesUpstreams.map((route) => route.baseUrl)).toEqual([
      'https://bedrock-mantle.us-east-2.api.aws/openai/v1',
      'https://bedrock-mantle.us-east-2.api.aws/v1',
    ]);
  });
});
