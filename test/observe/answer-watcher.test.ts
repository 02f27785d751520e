import { AnswerWatcher, objectAfterKey, type WatchMode } from '../../lambda/observe/answer-watcher.js';

const encoder = new TextEncoder();

/** Feeds `text` to a watcher in pieces cut at `cuts` (byte offsets), as a network would. */
function watchIn(mode: WatchMode, text: string, cuts: number[]) {
  const bytes = encoder.encode(text);
  const watcher = new AnswerWatcher(mode);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    watcher.watch(bytes.subarray(start, cut));
    start = cut;
  }
  return watcher.finish();
}

/** Every way of cutting `text` in two, plus byte by byte. */
function everySplit(text: string): number[][] {
  const length = encoder.encode(text).length;
  return [[], ...Array.from({ length: length - 1 }, (_, index) => [index + 1]), Array.from({ length: length - 1 }, (_, index) => index + 1)];
}

const chatStream = [
  'data: {"id":"c1","choices":[{"delta":{"content":"Usage: \\"usage\\": {} ünïcødé"}}],"usage":null}',
  'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":4}}}',
  'data: [DONE]',
  '',
].join('\n\n');

const messagesStream = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_bdrk_1","usage":{"input_tokens":20,"cache_read_input_tokens":3,"cache_creation_input_tokens":2,"output_tokens":1}}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}',
  '',
  '',
].join('\r\n');

const responsesStream = [
  'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","usage":null}}',
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}',
  'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_1","usage":{"input_tokens":8,"output_tokens":2,"input_tokens_details":{"cached_tokens":0}}}}',
  '',
].join('\n\n');

describe('usage from streams, however the bytes are cut', () => {
  it.each([
    ['the Chat usage chunk', chatStream, { inputTokens: 11, outputTokens: 5, cacheReadTokens: 4 }],
    ['message_start and message_delta (CRLF lines)', messagesStream, { inputTokens: 20, outputTokens: 9, cacheReadTokens: 3, cacheWriteTokens: 2 }],
    ['response.completed', responsesStream, { inputTokens: 8, outputTokens: 2, cacheReadTokens: 0 }],
  ])('reads %s cut at every byte, in two or in one-byte pieces', (_name, stream, usage) => {
    for (const cuts of everySplit(stream)) expect(watchIn('sse', stream, cuts)).toEqual({ usage });
  });

  it('reads usage at the end and an error at the start of events far longer than a text delta', () => {
    const output = 'w'.repeat(40_000);
    const completed = `event: response.completed\ndata: {"type":"response.completed","response":{"id":"r","output":[{"type":"message","content":[{"type":"output_text","text":"${output}"}]}],"tools":[],"usage":{"input_tokens":7,"output_tokens":9000},"metadata":{"note":"${'m'.repeat(2_000)}"}}}\n\n`;
    expect(watchIn('sse', completed, [1000, 30_000])).toEqual({ usage: { inputTokens: 7, outputTokens: 9000 } });
    const failed = `event: response.failed\ndata: {"type":"response.failed","response":{"id":"r","status":"failed","error":{"code":"server_error","message":"boom"},"output":[{"type":"message","content":[{"type":"output_text","text":"${output}"}]}]}}\n\n`;
    expect(watchIn('sse', failed, [20_000])).toEqual({ error: { type: 'upstream_error', message: 'boom' } });
  });

  it('decodes an interesting line whose multi-byte characters are cut between chunks', () => {
    const stream = 'data: {"type":"error","error":{"type":"overloaded_error","message":"überlastet – später"}}\n\n';
    for (const cuts of everySplit(stream)) expect(watchIn('sse', stream, cuts)).toEqual({ error: { type: 'upstream_error', message: 'überlastet – später' } });
  });

  it('reads a final event without its trailing newline', () => {
    expect(watchIn('sse', 'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}', [])).toEqual({ usage: { inputTokens: 1, outputTokens: 2 } });
  });

  it('reports no usage for a stream without any', () => {
    expect(watchIn('sse', 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n', [])).toEqual({});
  });

  it.each([
    ['Anthropic error event', 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n', 'upstream_error', 'Overloaded'],
    ['Responses response.failed', 'data: {"type":"response.failed","response":{"error":{"code":"server_error","message":"boom"}}}\n\n', 'upstream_error', 'boom'],
    ['Chat error chunk', 'data: {"error":{"message":"Too many tokens","type":"rate_limit_exceeded"}}\n\n', 'rate_limited', 'Too many tokens'],
    ['a bare message frame', 'data: {"message":"malformed upstream"}\n\n', 'upstream_error', 'malformed upstream'],
  ])('notices an in-band error: %s', (_name, stream, type, message) => {
    expect(watchIn('sse', stream, [7])).toEqual({ error: { type, message } });
  });

  it('skips a line too long to hold and reads the lines after it', () => {
    const huge = `data: {"usage":{"prompt_tokens":99},"pad":"${'x'.repeat(4.5 * 1024 * 1024)}"}\n\n`;
    const after = 'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n';
    const cuts = Array.from({ length: 80 }, (_, index) => (index + 1) * 65_536);
    expect(watchIn('sse', huge + after, cuts)).toEqual({ usage: { inputTokens: 3, outputTokens: 4 } });
  });
});

describe('usage from JSON bodies', () => {
  const chat = JSON.stringify({
    id: 'c',
    choices: [{ message: { content: 'a "usage": {"prompt_tokens": 999} } inside text' } }],
    usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } },
    system_fingerprint: null,
  });
  const responses = JSON.stringify({ id: 'resp', usage: { input_tokens: 5, output_tokens: 6, input_tokens_details: { cached_tokens: 1 } }, user: null, metadata: { note: '} {' } });

  it('reads Chat usage, not text that looks like it, however the body is cut', () => {
    for (const cuts of everySplit(chat)) expect(watchIn('json_usage', chat, cuts)).toEqual({ usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 0 } });
  });

  it('reads Responses usage followed by more fields', () => {
    expect(watchIn('json_usage', responses, [10, 20, 30])).toEqual({ usage: { inputTokens: 5, outputTokens: 6, cacheReadTokens: 1 } });
  });

  it('reads count_tokens as input tokens', () => {
    expect(watchIn('json_whole', '{"input_tokens": 42}', [3])).toEqual({ usage: { inputTokens: 42 } });
  });

  it('reads the message of an error body in either envelope', () => {
    expect(watchIn('json_whole', '{"error":{"message":"bad model","type":"invalid_request_error"}}', [5])).toEqual({ error: { type: 'upstream_error', message: 'bad model' } });
    expect(watchIn('json_whole', '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}', [])).toEqual({ error: { type: 'rate_limited', message: 'slow down' } });
  });

  it('finds nothing in a truncated body', () => {
    expect(watchIn('json_usage', chat.slice(0, chat.indexOf('"completion_tokens"')), [])).toEqual({});
  });

  it('matches braces outside strings only', () => {
    expect(objectAfterKey('"usage": {"a": "}{", "b": {"c": 1}}, "x": 2}')).toBe('{"a": "}{", "b": {"c": 1}}');
    expect(objectAfterKey('"usage": null, "x": {}')).toBe('');
  });
});
