import { readText } from '../../lambda/domain/answer.js';
import { chunksOf } from '../support/answers.js';
import { chatStreamFromResponses } from '../../lambda/compat/responses-stream-to-chat.js';

const encoder = new TextEncoder();

function event(type: string, data: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const response = { id: 'resp_abc', created_at: 1_767_225_600, model: 'openai.gpt-5.5', status: 'in_progress' };
const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 17 };
const textStream = [
  event('response.created', { response }),
  event('response.in_progress', { response }),
  event('response.output_item.added', { output_index: 0, item: { id: 'msg_1', type: 'message' } }),
  event('response.output_text.delta', { item_id: 'msg_1', output_index: 0, delta: 'Grüß ' }),
  event('response.output_text.delta', { item_id: 'msg_1', output_index: 0, delta: 'dich 👋' }),
  event('response.output_item.done', { output_index: 0, item: { id: 'msg_1', type: 'message' } }),
  event('response.completed', { response: { ...response, status: 'completed', usage } }),
].join('');

/** Runs the translator over `pieces` and returns the data payloads it wrote. */
async function translate(pieces: Array<string | Uint8Array>, includeUsage = false): Promise<string[]> {
  const text = await readText(chatStreamFromResponses(chunksOf(pieces), { includeUsage }));
  expect(text.endsWith('\n\n')).toBe(true);
  return text.split('\n\n').filter(Boolean).map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    return frame.slice('data: '.length);
  });
}

const parse = (frames: string[]) => frames.filter((frame) => frame !== '[DONE]').map((frame) => JSON.parse(frame) as Record<string, any>);

describe('chatStreamFromResponses', () => {
  it('sends the role delta first, content deltas, the finish chunk, then [DONE]', async () => {
    const frames = await translate([textStream]);
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = parse(frames);
    expect(chunks.map((chunk) => chunk['choices'][0].delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Grüß ' }, { content: 'dich 👋' }, {}]);
    expect(chunks.at(-1)!['choices'][0].finish_reason).toBe('stop');
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: 'resp_abc', object: 'chat.completion.chunk', created: 1_767_225_600, model: 'openai.gpt-5.5' });
      expect(chunk).not.toHaveProperty('usage');
    }
  });

  it('adds usage: null to each chunk and a usage-only chunk when include_usage is set', async () => {
    const chunks = parse(await translate([textStream], true));
    expect(chunks.slice(0, -1).every((chunk) => chunk['usage'] === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } },
    });
  });

  it('gives the same chunks however the bytes are split (inside lines, events and UTF-8 characters)', async () => {
    const whole = await translate([textStream], true);
    const bytes = encoder.encode(textStream.replaceAll('\n', '\r\n'));
    for (const size of [1, 3, 7, 64]) {
      const pieces: Uint8Array[] = [];
      for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.slice(start, start + size));
      expect(await translate(pieces, true)).toEqual(whole);
    }
  });

  it('writes each delta as soon as its event is complete, holding back only the partial line', async () => {
    const output: string[] = [];
    const created = event('response.created', { response });
    const delta = event('response.output_text.delta', { item_id: 'm', output_index: 0, delta: 'Hel' });
    const upstreamReads: string[] = [];
    const pieces = [created, delta.slice(0, 20), delta.slice(20)];
    const source = { read: async () => { const piece = pieces.shift(); if (piece !== undefined) upstreamReads.push(piece); return piece === undefined ? undefined : encoder.encode(piece); }, cancel: () => undefined };
    const translated = chatStreamFromResponses(source, { includeUsage: false });
    const read = async (): Promise<string> => new TextDecoder().decode(await translated.read());
    output.push(await read());
    // The first event is complete after one upstream read: nothing more was read for it.
    expect(upstreamReads).toEqual([created]);
    output.push(await read());
    expect(upstreamReads).toHaveLength(3);
    expect(JSON.parse(output[0]!.slice(6))['choices'][0].delta).toEqual({ role: 'assistant', content: '' });
    expect(JSON.parse(output[1]!.slice(6))['choices'][0].delta).toEqual({ content: 'Hel' });
  });

  it('numbers tool calls in order of appearance and routes argument deltas by item', async () => {
    const frames = await translate([
      event('response.created', { response }),
      event('response.output_item.added', { output_index: 0, item: { id: 'rs_1', type: 'reasoning' } }),
      event('response.output_item.done', { output_index: 0, item: { id: 'rs_1', type: 'reasoning' } }),
      event('response.output_item.added', { output_index: 1, item: { id: 'fc_a', type: 'function_call', call_id: 'call_a', name: 'f', arguments: '' } }),
      event('response.output_item.added', { output_index: 2, item: { id: 'fc_b', type: 'function_call', call_id: 'call_b', name: 'g', arguments: '' } }),
      event('response.function_call_arguments.delta', { item_id: 'fc_b', output_index: 2, delta: '{"y"' }),
      event('response.function_call_arguments.delta', { item_id: 'fc_a', output_index: 1, delta: '{"x":1}' }),
      event('response.function_call_arguments.delta', { item_id: 'fc_b', output_index: 2, delta: ':2}' }),
      event('response.output_item.done', { output_index: 1, item: { id: 'fc_a', type: 'function_call', call_id: 'call_a', name: 'f', arguments: '{"x":1}' } }),
      event('response.output_item.done', { output_index: 2, item: { id: 'fc_b', type: 'function_call', call_id: 'call_b', name: 'g', arguments: '{"y":2}' } }),
      event('response.completed', { response: { ...response, status: 'completed' } }),
    ]);
    const deltas = parse(frames).map((chunk) => chunk['choices'][0].delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"y"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] },
      { tool_calls: [{ index: 1, function: { arguments: ':2}' } }] },
      {},
    ]);
    expect(parse(frames).at(-1)!['choices'][0].finish_reason).toBe('tool_calls');
  });

  it('sends arguments that arrive only whole, in output_item.done', async () => {
    const deltas = parse(await translate([
      event('response.created', { response }),
      event('response.output_item.added', { output_index: 0, item: { id: 'fc_a', type: 'function_call', call_id: 'call_a', name: 'f' } }),
      event('response.output_item.done', { output_index: 0, item: { id: 'fc_a', type: 'function_call', call_id: 'call_a', name: 'f', arguments: '{"x":1}' } }),
      event('response.completed', { response: { ...response, status: 'completed' } }),
    ])).map((chunk) => chunk['choices'][0].delta);
    expect(deltas[2]).toEqual({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] });
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
  ])('finishes an incomplete response cut by %s with %s', async (reason, finish) => {
    const chunks = parse(await translate([
      event('response.created', { response }),
      event('response.output_text.delta', { item_id: 'm', output_index: 0, delta: 'Hi' }),
      event('response.incomplete', { response: { ...response, status: 'incomplete', incomplete_details: { reason } } }),
    ]));
    expect(chunks.at(-1)!['choices'][0].finish_reason).toBe(finish);
  });

  it.each([
    ['response.failed', event('response.failed', { response: { ...response, status: 'failed', error: { code: 'server_error', message: 'The model crashed.' } } }), { message: 'The model crashed.', code: 'server_error' }],
    ['an error event', event('error', { code: 'rate_limit_exceeded', message: 'Slow down.', sequence_number: 3 }), { message: 'Slow down.', code: 'rate_limit_exceeded' }],
    ['an end without a final event', '', { code: 'stream_incomplete' }],
  ])('turns %s into Chat\'s in-band error, then [DONE], and ignores what follows', async (_case, failure, error) => {
    const frames = await translate([
      event('response.created', { response }),
      event('response.output_text.delta', { item_id: 'm', output_index: 0, delta: 'Hi' }),
      failure,
      ...(failure === '' ? [] : [event('response.output_text.delta', { item_id: 'm', output_index: 0, delta: 'late' })]),
    ]);
    expect(frames.at(-1)).toBe('[DONE]');
    expect(JSON.parse(frames.at(-2)!)).toEqual({ error: { type: 'server_error', param: null, message: expect.any(String), ...error } });
    expect(frames.join('')).not.toContain('late');
  });
});
