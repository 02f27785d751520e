import { chatCompletionFromResponse } from '../../lambda/compat/responses-to-chat.js';

const base = { id: 'resp_x', object: 'response', created_at: 1_767_225_600, model: 'openai.gpt-5.5', status: 'completed' };

describe('chatCompletionFromResponse', () => {
  it('carries text, id, created, model and usage with cached and reasoning tokens', () => {
    expect(chatCompletionFromResponse({
      ...base,
      service_tier: 'default',
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello ' }, { type: 'output_text', text: 'world' }] },
      ],
      usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 6 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 21 },
    })).toEqual({
      id: 'resp_x',
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'openai.gpt-5.5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 6 }, completion_tokens_details: { reasoning_tokens: 5 } },
      service_tier: 'default',
      system_fingerprint: null,
    });
  });

  it('turns function calls into tool_calls with finish_reason tool_calls and null content', () => {
    const completion = chatCompletionFromResponse({
      ...base,
      output: [
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
        { type: 'function_call', call_id: 'call_2', name: 'g', arguments: '{}' },
      ],
    });
    expect(completion['choices']).toEqual([{
      index: 0,
      logprobs: null,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
    }]);
  });

  it.each([
    [{ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, 'length'],
    [{ status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, 'content_filter'],
    [{ status: 'completed' }, 'stop'],
  ])('maps %j to finish_reason %s', (status, finish) => {
    const completion = chatCompletionFromResponse({ ...base, ...status, output: [{ type: 'message', content: [{ type: 'output_text', text: 'x' }] }] });
    expect((completion['choices'] as Array<Record<string, unknown>>)[0]!['finish_reason']).toBe(finish);
  });

  it('keeps a refusal apart from the content', () => {
    const completion = chatCompletionFromResponse({ ...base, output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'I cannot.' }] }] });
    expect((completion['choices'] as Array<Record<string, any>>)[0]!['message']).toMatchObject({ content: null, refusal: 'I cannot.' });
  });
});
