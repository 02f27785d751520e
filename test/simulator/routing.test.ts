import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { DEFAULT_MODELS } from '../../dev/mantle-simulator/index.js';
import { anthropicHeaders, bearer, send, startTestSimulator } from './helpers.js';

const input = (model: string): string => JSON.stringify({ model, input: 'hi' });
const chat = (model: string): string => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });
const message = (model: string): string =>
  JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });

describe('simulator routing', () => {
  let sim: MantleSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  it.each([
    ['chat on /v1', '/v1/chat/completions', chat('openai.gpt-oss-120b')],
    ['chat for qwen', '/v1/chat/completions', chat('qwen.qwen3-32b')],
    ['chat for mistral', '/v1/chat/completions', chat('mistral.mistral-large-3-675b-instruct')],
    ['responses for gpt-oss on /v1', '/v1/responses', input('openai.gpt-oss-20b')],
    ['responses for gpt-5.5 on /openai/v1', '/openai/v1/responses', input('openai.gpt-5.5')],
  ])('serves %s', async (_name, path, body) => {
    const res = await send(sim, { path, body, headers: bearer() });
    expect(res.status).toBe(200);
  });

  it.each([
    ['claude opus', 'anthropic.claude-opus-4-7'],
    ['claude sonnet', 'anthropic.claude-sonnet-4-6'],
  ])('serves messages for %s', async (_name, model) => {
    const res = await send(sim, { path: '/anthropic/v1/messages', body: message(model), headers: anthropicHeaders() });
    expect(res.status).toBe(200);
  });

  it.each([
    ['gpt-5.5 on /v1/responses', '/v1/responses', input('openai.gpt-5.5'), 'openai.gpt-5.5'],
    ['gpt-5.5 on chat', '/openai/v1/chat/completions', chat('openai.gpt-5.5'), 'openai.gpt-5.5'],
    ['gpt-oss on /openai/v1', '/openai/v1/chat/completions', chat('openai.gpt-oss-120b'), 'openai.gpt-oss-120b'],
    ['qwen on responses', '/v1/responses', input('qwen.qwen3-32b'), 'qwen.qwen3-32b'],
    ['claude on chat', '/v1/chat/completions', chat('anthropic.claude-opus-4-7'), 'anthropic.claude-opus-4-7'],
  ])('rejects %s with 400 "isn\'t supported on this route"', async (_name, path, body, model) => {
    const res = await send(sim, { path, body, headers: bearer() });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: `model \`${model}\` isn't supported on this route`,
        type: 'invalid_request_error',
        param: null,
        code: 'validation_error',
      },
    });
  });

  it('rejects a non-Claude model on the Anthropic path in the Anthropic envelope', async () => {
    const res = await send(sim, {
      path: '/anthropic/v1/messages',
      body: message('openai.gpt-oss-120b'),
      headers: anthropicHeaders(),
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: "model `openai.gpt-oss-120b` isn't supported on this route" },
    });
  });

  it('answers an unknown model with 404 model_not_found on OpenAI paths', async () => {
    const res = await send(sim, { path: '/v1/chat/completions', body: chat('openai.gpt-9'), headers: bearer() });
    expect(res.status).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('answers an unknown model with 404 not_found_error on the Anthropic path', async () => {
    const res = await send(sim, {
      path: '/anthropic/v1/messages',
      body: message('anthropic.claude-unknown'),
      headers: anthropicHeaders(),
    });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: anthropic.claude-unknown' },
    });
    expect(res.json().request_id).toBe(res.headers['x-amzn-requestid']);
  });

  it.each([
    ['GET', '/v1/chat/completions'],
    ['POST', '/v1/embeddings'],
    ['POST', '/v2/chat/completions'],
    ['GET', '/openai/v1/models'],
    ['GET', '/v1/responses/resp_abc/input_items'],
    ['PUT', '/v1/responses/resp_abc'],
    ['POST', '/anthropic/v1/complete'],
    ['GET', '/'],
  ])('answers %s %s with 404', async (method, path) => {
    const res = await send(sim, { method, path, headers: bearer(), body: method === 'GET' ? undefined : '{}' });
    expect(res.status).toBe(404);
  });

  it('lists every configured model at GET /v1/models in the OpenAI list shape', async () => {
    const res = await send(sim, { method: 'GET', path: '/v1/models', headers: bearer() });
    expect(res.status).toBe(200);
    const list = res.json();
    expect(list.object).toBe('list');
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(DEFAULT_MODELS.map((m) => m.id));
    expect(list.data[0]).toEqual(expect.objectContaining({ object: 'model', owned_by: 'openai' }));
  });

  it.each([
    ['an OpenAI path', '/v1/chat/completions', bearer(), 'error'],
    ['the Anthropic path', '/anthropic/v1/messages', anthropicHeaders(), 'type'],
  ])('rejects a body that is not JSON on %s with 400', async (_name, path, headers, topKey) => {
    const res = await send(sim, { path, headers, body: '{"model": "openai.gpt-oss-120b",' });
    expect(res.status).toBe(400);
    expect(res.json()).toHaveProperty(topKey);
    expect(JSON.stringify(res.json())).toMatch(/Failed to deserialize the JSON body/);
  });

  it('rejects a JSON body that is not an object with 400', async () => {
    const res = await send(sim, { path: '/v1/chat/completions', headers: bearer(), body: '[1, 2]' });
    expect(res.status).toBe(400);
  });

  it('rejects a chat request without a model with 400', async () => {
    const res = await send(sim, { path: '/v1/chat/completions', headers: bearer(), body: '{"messages": []}' });
    expect(res.status).toBe(400);
    expect(res.json().error.param).toBe('model');
  });

  it('rejects a messages request without anthropic-version with 400', async () => {
    const { 'anthropic-version': _omitted, ...headers } = anthropicHeaders();
    const res = await send(sim, { path: '/anthropic/v1/messages', headers, body: message('anthropic.claude-opus-4-7') });
    expect(res.status).toBe(400);
    expect(res.json().error).toEqual({ type: 'invalid_request_error', message: 'anthropic-version: header is required' });
  });

  it.each([
    ['a success', '/v1/models', 'GET', bearer()],
    ['a 404', '/v1/nowhere', 'GET', bearer()],
    ['a 401', '/v1/models', 'GET', {}],
  ])('sets x-amzn-requestid on %s', async (_name, path, method, headers) => {
    const res = await send(sim, { method, path, headers });
    expect(res.headers['x-amzn-requestid']).toMatch(/^req_[a-z2-7]{26}$/);
  });

  it('records method, path, query, lower-cased headers and body of every request', async () => {
    const body = chat('qwen.qwen3-32b');
    await send(sim, {
      path: '/v1/chat/completions',
      query: 'trace=1',
      headers: { ...bearer(), 'OpenAI-Project': 'proj_123' },
      body,
    });
    expect(sim.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      query: 'trace=1',
      body,
      identity: 'bearer',
      headers: expect.objectContaining({ 'openai-project': 'proj_123', authorization: `Bearer ${'bedrock-api-key-for-tests'}` }),
    });
  });
});
