import { InvalidRequestError } from '../../lambda/domain/errors.js';
import { chatToResponses } from '../../lambda/compat/chat-to-responses.js';

const user = { role: 'user', content: 'hi' };
const translate = (extra: Record<string, unknown>) => chatToResponses({ model: 'gpt-55', messages: [user], ...extra });

function refusal(extra: Record<string, unknown>): InvalidRequestError {
  try {
    translate(extra);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(extra)}`);
}

describe('chatToResponses: parameters', () => {
  it('sends the minimal body with store: false', () => {
    expect(translate({})).toEqual({ body: { model: 'gpt-55', input: [user], store: false }, stream: false, includeUsage: false });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['max_tokens', { max_tokens: 50 }, { max_output_tokens: 50 }],
    ['max_completion_tokens, which wins over max_tokens', { max_tokens: 50, max_completion_tokens: 70 }, { max_output_tokens: 70 }],
    ['temperature and top_p', { temperature: 0, top_p: 0.9 }, { temperature: 0, top_p: 0.9 }],
    ['reasoning_effort', { reasoning_effort: 'high' }, { reasoning: { effort: 'high' } }],
    ['verbosity', { verbosity: 'low' }, { text: { verbosity: 'low' } }],
    ['response_format json_object', { response_format: { type: 'json_object' } }, { text: { format: { type: 'json_object' } } }],
    ['response_format text', { response_format: { type: 'text' } }, { text: { format: { type: 'text' } } }],
    [
      'response_format json_schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'r', description: 'd', schema: { type: 'object' }, strict: true } } },
      { text: { format: { type: 'json_schema', name: 'r', description: 'd', schema: { type: 'object' }, strict: true } } },
    ],
    ['store: true as asked', { store: true }, { store: true }],
    ['parallel_tool_calls, metadata, user, safety_identifier, prompt_cache_key, service_tier', { parallel_tool_calls: false, metadata: { a: 'b' }, user: 'u', safety_identifier: 's', prompt_cache_key: 'k', service_tier: 'auto' }, { parallel_tool_calls: false, metadata: { a: 'b' }, user: 'u', safety_identifier: 's', prompt_cache_key: 'k', service_tier: 'auto' }],
    [
      'function tools, strict only when asked, parameters defaulted',
      { tools: [{ type: 'function', function: { name: 'a', parameters: { type: 'object' }, strict: true } }, { type: 'function', function: { name: 'b', description: 'B' } }] },
      { tools: [{ type: 'function', name: 'a', parameters: { type: 'object' }, strict: true }, { type: 'function', name: 'b', description: 'B', parameters: { type: 'object', properties: {} }, strict: false }] },
    ],
    ['tool_choice required', { tool_choice: 'required' }, { tool_choice: 'required' }],
    ['tool_choice naming a function', { tool_choice: { type: 'function', function: { name: 'a' } } }, { tool_choice: { type: 'function', name: 'a' } }],
    [
      'tool_choice allowed_tools',
      { tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'a' } }] } } },
      { tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'a' }] } },
    ],
    ['no-op values of n, logprobs, penalties and modalities', { n: 1, logprobs: false, presence_penalty: 0, frequency_penalty: 0, modalities: ['text'], stop: null }, {}],
  ])('translates %s', (_case, extra, expected) => {
    expect(translate(extra).body).toEqual({ model: 'gpt-55', input: [user], store: false, ...expected });
  });

  it('streams, with usage only when stream_options asks for it', () => {
    expect(translate({ stream: true })).toMatchObject({ body: { stream: true }, stream: true, includeUsage: false });
    const withUsage = translate({ stream: true, stream_options: { include_usage: true } });
    expect(withUsage).toMatchObject({ stream: true, includeUsage: true });
    expect(withUsage.body).not.toHaveProperty('stream_options');
  });

  it.each([
    ['n', { n: 3 }], ['stop', { stop: 'END' }], ['logprobs', { logprobs: true }], ['top_logprobs', { top_logprobs: 2 }],
    ['audio', { audio: { voice: 'alloy', format: 'wav' } }], ['modalities', { modalities: ['text', 'audio'] }], ['seed', { seed: 1 }],
    ['logit_bias', { logit_bias: { '42': 10 } }], ['presence_penalty', { presence_penalty: 0.5 }], ['frequency_penalty', { frequency_penalty: 1 }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }], ['web_search_options', { web_search_options: {} }],
    ['functions', { functions: [{ name: 'f' }] }], ['function_call', { function_call: 'auto' }], ['an unknown parameter', { frobnicate: true }],
    ['tools[0]', { tools: [{ type: 'custom', custom: { name: 'c' } }] }], ['tool_choice', { tool_choice: { type: 'custom', custom: { name: 'c' } } }],
    ['response_format', { response_format: { type: 'grammar' } }], ['stream_options.chunk_size', { stream: true, stream_options: { chunk_size: 2 } }],
  ])('refuses %s, naming it and the native endpoint', (name, extra) => {
    const error = refusal(extra);
    expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param: name === 'an unknown parameter' ? 'frobnicate' : name });
    expect(error.message).toMatch(/^\S+ .*Remove it, or call \/v1\/responses, which serves this model natively\.$/);
  });
});

describe('chatToResponses: messages', () => {
  const input = (messages: unknown[]) => chatToResponses({ model: 'm', messages }).body['input'];

  it('keeps system and developer messages in place as developer items', () => {
    expect(input([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
      { role: 'developer', content: [{ type: 'text', text: 'D1' }, { type: 'text', text: 'D2' }] },
    ])).toEqual([
      { role: 'developer', content: 'S' },
      { role: 'user', content: 'U' },
      { role: 'developer', content: 'D1\nD2' },
    ]);
  });

  it('translates user text, image and file parts', () => {
    expect(input([{ role: 'user', content: [
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,BBBB', filename: 'a.pdf' } },
    ] }])).toEqual([{ role: 'user', content: [
      { type: 'input_text', text: 'look' },
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' },
      { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
      { type: 'input_file', file_data: 'data:application/pdf;base64,BBBB', filename: 'a.pdf' },
    ] }]);
  });

  it('turns an assistant turn with tool calls and the tool results into function call items', () => {
    expect(input([
      { role: 'assistant', content: 'Let me check.', refusal: null, annotations: [], tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'result' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }] },
    ])).toEqual([
      { role: 'assistant', content: 'Let me check.' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'result' },
      { type: 'function_call', call_id: 'call_2', name: 'g', arguments: '{}' },
    ]);
  });

  it.each([
    ['messages[0].role', [{ role: 'function', name: 'f', content: 'x' }]],
    ['messages[0].name', [{ role: 'user', name: 'alice', content: 'x' }]],
    ['messages[0].content[0].type', [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }]],
    ['messages[0].audio', [{ role: 'assistant', content: 'x', audio: { id: 'a' } }]],
    ['messages[0].content[0]', [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }]],
    ['messages[0].tool_calls[0]', [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'x', input: 'y' } }] }]],
    ['messages[1].tool_call_id', [user, { role: 'tool', content: 'x' }]],
    ['messages', 'not a list'],
  ])('refuses %s', (param, messages) => {
    expect(() => chatToResponses({ model: 'm', messages })).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
