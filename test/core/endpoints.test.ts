import { matchEndpoint, surfaceOf } from '../../lambda/core/endpoints.js';
import { GatewayError } from '../../lambda/domain/errors.js';

const RESPONSE_ID = 'resp_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv';

describe('matchEndpoint', () => {
  it.each([
    ['POST', '/v1/chat/completions', { operation: 'chat_completions', surface: 'openai' }],
    ['POST', '/openai/v1/chat/completions', { operation: 'chat_completions', surface: 'openai' }],
    ['POST', '/v1/responses', { operation: 'responses_create', surface: 'openai' }],
    ['POST', '/openai/v1/responses/', { operation: 'responses_create', surface: 'openai' }],
    ['GET', `/v1/responses/${RESPONSE_ID}`, { operation: 'responses_get', responseId: RESPONSE_ID }],
    ['DELETE', `/v1/responses/${RESPONSE_ID}`, { operation: 'responses_delete', responseId: RESPONSE_ID }],
    ['POST', `/v1/responses/${RESPONSE_ID}/cancel`, { operation: 'responses_cancel', responseId: RESPONSE_ID }],
    ['POST', '/v1/messages', { operation: 'messages', surface: 'anthropic' }],
    ['POST', '/anthropic/v1/messages', { operation: 'messages', surface: 'anthropic' }],
    ['POST', '/anthropic/v1/messages/count_tokens', { operation: 'count_tokens', surface: 'anthropic' }],
    ['GET', '/v1/models', { operation: 'models_list' }],
    ['GET', '/openai/v1/models/gpt-55-bedrock', { operation: 'models_get', modelId: 'gpt-55-bedrock' }],
    ['GET', '/anthropic/v1/models', { operation: 'models_list', surface: 'openai' }],
    ['GET', '/anthropic/v1/models/claude', { operation: 'models_get', modelId: 'claude' }],
  ])('maps %s %s', (method, path, expected) => {
    expect(matchEndpoint(method, path)).toMatchObject(expected);
  });

  it.each([
    ['GET', '/v1/chat/completions', 405, 'method_not_allowed'],
    ['PUT', `/v1/responses/${RESPONSE_ID}`, 405, 'method_not_allowed'],
    ['POST', '/v1/embeddings', 404, 'unknown_endpoint'],
    ['POST', '/v2/chat/completions', 404, 'unknown_endpoint'],
    ['POST', '/v1/chat/completions/extra/parts', 404, 'unknown_endpoint'],
    ['GET', '/v1/responses/not-an-id', 400, 'invalid_response_id'],
    ['GET', '/v1/responses/resp_..%2F..%2Fadmin', 400, 'invalid_response_id'],
    ['GET', `/v1/responses/${RESPONSE_ID}/input_items`, 400, 'unsupported_endpoint'],
    ['GET', '/v1/models/%E0%A4%A', 400, 'invalid_path'],
    ['POST', '/openai/v1/messages', 404, 'unknown_endpoint'],
    ['POST', '/openai/v1/messages/count_tokens', 404, 'unknown_endpoint'],
    ['POST', '/anthropic/v1/chat/completions', 404, 'unknown_endpoint'],
    ['POST', '/anthropic/v1/responses', 404, 'unknown_endpoint'],
    ['GET', `/anthropic/v1/responses/${RESPONSE_ID}`, 404, 'unknown_endpoint'],
  ])('rejects %s %s with %i', (method, path, status, code) => {
    let caught: unknown;
    try {
      matchEndpoint(method, path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status, code });
  });

  it('names where an operation under the other surface\'s prefix is served', () => {
    expect(() => matchEndpoint('POST', '/openai/v1/messages')).toThrow('served on /v1/messages and /anthropic/v1/messages');
    expect(() => matchEndpoint('POST', '/anthropic/v1/chat/completions')).toThrow('served on /v1/chat/completions and /openai/v1/chat/completions');
  });

  it('names the allowed methods on a 405', () => {
    expect(() => matchEndpoint('GET', '/v1/messages')).toThrow(expect.objectContaining({ headers: { allow: 'POST' } }));
  });

  it.each([
    ['/v1/messages', 'anthropic'],
    ['/anthropic/v1/unknown', 'anthropic'],
    ['/v1/chat/completions', 'openai'],
    ['/nowhere', 'openai'],
    ['/openai/v1/messages', 'anthropic'],
    ['/anthropic/v1/chat/completions', 'openai'],
    ['/anthropic/v1/responses/resp_x', 'openai'],
  ])('answers %s in the %s envelope', (path, surface) => {
    expect(surfaceOf(path)).toBe(surface);
  });
});
