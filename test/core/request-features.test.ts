import { requestedFeatures } from '../../lambda/core/request-features.js';

describe('requestedFeatures', () => {
  it.each([
    ['chat_completions', { messages: [{ role: 'user', content: 'hi' }] }, []],
    ['chat_completions', { stream: true, messages: [] }, ['stream']],
    ['chat_completions', { tools: [{ type: 'function' }] }, ['tools']],
    ['chat_completions', { tools: [] }, []],
    ['chat_completions', { functions: [{ name: 'f' }] }, ['tools']],
    ['chat_completions', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }] }, ['vision']],
    ['chat_completions', { response_format: { type: 'json_schema', json_schema: {} } }, ['json_schema']],
    ['chat_completions', { response_format: { type: 'json_object' } }, []],
    ['responses_create', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] }, ['vision']],
    ['responses_create', { input: 'plain text', text: { format: { type: 'json_schema' } } }, ['json_schema']],
    ['responses_create', { stream: true, tools: [{ type: 'function' }] }, ['stream', 'tools']],
    ['messages', { messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] }, ['vision']],
    ['messages', { messages: [{ role: 'user', content: [{ type: 'tool_result', content: [{ type: 'image' }] }] }] }, ['vision']],
    ['messages', { output_config: { format: { type: 'json_schema' } } }, ['json_schema']],
    ['messages', { output_config: { effort: 'high' } }, []],
    ['count_tokens', { stream: true, tools: [{ name: 't' }] }, ['tools']],
  ] as const)('%s %j uses %j', (operation, body, expected) => {
    expect(requestedFeatures(operation, body as Record<string, unknown>)).toEqual(expected);
  });
});
