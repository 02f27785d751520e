/**
 * The Chat Completions bridge end to end: the official `openai` SDK's chat.completions.create against the GPT-5.5
 * route (Responses-only on Mantle), through the real gateway, to the simulator's Responses API and back.
 */
import OpenAI from 'openai';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { lastRequest, openaiClient, simulator, startE2E } from '../support/e2e.js';

let env: DemoEnvironment;
let client: OpenAI;

beforeAll(async () => {
  env = await startE2E();
  client = openaiClient(env.gateway.url);
});
afterAll(() => env.close());

const MODEL = 'gpt-55-bedrock';
const east = () => simulator(env, 'us-east-2');

/** What Mantle received for the last call: path and parsed body. */
function upstream(): { path: string; body: Record<string, unknown> } {
  const request = lastRequest(east());
  return { path: request.path, body: JSON.parse(request.body) as Record<string, unknown> };
}

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const timeTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
};

describe('Chat Completions on the Responses-only GPT-5.5 route', () => {
  it('answers a plain completion, sent as a Responses call with the translated body', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      max_tokens: 100,
      temperature: 0.2,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'openai.gpt-5.5',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Echo: Hello there', refusal: null } }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(completion.id).toMatch(/^resp_/);
    expect(completion.created).toBeGreaterThan(1_700_000_000);
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    const sent = upstream();
    expect(sent.path).toBe('/openai/v1/responses');
    expect(sent.body).toEqual({
      model: 'openai.gpt-5.5',
      input: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      temperature: 0.2,
      max_output_tokens: 100,
      store: false,
    });
  });

  it('streams chunk by chunk: role first, content deltas, finish_reason, the usage chunk, [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
      prompt_cache_key: 'tenant-a',
      store: true,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Echo: one two three four');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(5);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ completion_tokens: 5 + 4, prompt_tokens_details: { cached_tokens: expect.any(Number) }, completion_tokens_details: { reasoning_tokens: 4 } });
    expect(usage.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'openai.gpt-5.5')).toBe(true);
    expect(upstream().body).toMatchObject({ stream: true, store: true, reasoning: { effort: 'low' }, prompt_cache_key: 'tenant-a' });
    expect(upstream().body).not.toHaveProperty('stream_options');
  });

  it('ends the raw stream with data: [DONE]', async () => {
    const response = await fetch(`${env.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'raw' }] }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('event:');
    expect(text).not.toContain('"usage"');
  });

  it('returns tool calls, then answers after the tool result round trip', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const first = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool, timeTool], tool_choice: 'auto' });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({ type: 'function', id: expect.stringMatching(/^call_/), function: { name: 'get_weather' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Use get_weather for Paris' });
    expect(upstream().body['tools']).toEqual([
      { type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.function.parameters, strict: false },
      { type: 'function', name: 'get_time', parameters: timeTool.function.parameters, strict: false },
    ]);
    expect(upstream().body['tool_choice']).toBe('auto');

    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' });
    const second = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool, timeTool] });
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Echo: sunny, 21 C' } });
    expect(upstream().body['input']).toEqual([
      { role: 'user', content: 'Use get_weather for Paris' },
      { type: 'function_call', call_id: call.id, name: 'get_weather', arguments: call.function.arguments },
      { type: 'function_call_output', call_id: call.id, output: 'sunny, 21 C' },
    ]);
  });

  it('streams parallel tool calls with stable indexes and argument deltas', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'call get_weather and get_time' }],
      tools: [weatherTool, timeTool],
    });
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    let argumentDeltas = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.finish_reason) finish = choice.finish_reason;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { arguments: '' });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        if (delta.function?.arguments) {
          call.arguments += delta.function.arguments;
          argumentDeltas++;
        }
      }
    }
    expect(finish).toBe('tool_calls');
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(calls.every((call) => call.id?.startsWith('call_'))).toBe(true);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: 'call get_weather and get_time' });
    expect(JSON.parse(calls[1]!.arguments)).toEqual({ zone: 'call get_weather and get_time' });
    expect(argumentDeltas).toBeGreaterThan(4);
  });

  it('translates response_format json_schema to text.format, and the SDK parses the answer', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } }, required: ['answer', 'confidence'], additionalProperties: false };
    const completion = await client.chat.completions.parse({
      model: MODEL,
      messages: [{ role: 'user', content: 'Reply as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema, strict: true } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual({ answer: 'Reply as JSON', confidence: 1 });
    expect(upstream().body['text']).toEqual({ format: { type: 'json_schema', name: 'reply', schema, strict: true } });
  });

  it('works with the SDK\'s stream helper, which rebuilds the tool calls from the chunks', async () => {
    const stream = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'get_time please' }], tools: [weatherTool, timeTool] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const call = final.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_time', arguments: JSON.stringify({ zone: 'get_time please' }) });
  });

  it.each([
    ['length', 'max_output_tokens cut it', { max_completion_tokens: 2, messages: [{ role: 'user' as const, content: 'a long answer please' }] }],
    ['content_filter', 'the content filter stopped it', { messages: [{ role: 'user' as const, content: 'tell me [content_filter] things' }] }],
  ])('finishes with %s when %s', async (reason, _why, params) => {
    const completion = await client.chat.completions.create({ model: MODEL, ...params });
    expect(completion.choices[0]?.finish_reason).toBe(reason);
  });

  it.each([
    ['n', { n: 2 }],
    ['stop', { stop: ['\n'] }],
    ['logprobs', { logprobs: true }],
    ['audio', { modalities: ['text', 'audio'] as Array<'text' | 'audio'>, audio: { voice: 'alloy' as const, format: 'mp3' as const } }],
    ['seed', { seed: 7 }],
  ])('refuses %s with a 400 naming it, and calls nobody', async (param, extra) => {
    const before = east().requests.length;
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], ...extra }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const failure = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(failure.status).toBe(400);
    expect(failure.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_parameter', param: expect.stringMatching(new RegExp(`^(${param}|modalities)$`)) });
    expect(failure.message).toContain('/v1/responses, which serves this model natively');
    expect(east().requests.length).toBe(before);
  });

  it('passes Mantle\'s own errors through in the OpenAI envelope', async () => {
    east().injectFault({ path: '/openai/v1/responses', status: 422, body: { error: { message: 'Bad input.', type: 'invalid_request_error', code: 'unprocessable', param: null } } });
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((error as InstanceType<typeof OpenAI.UnprocessableEntityError>).error).toMatchObject({ code: 'unprocessable' });
  });

  it('answers 429 in the OpenAI envelope when every attempt is throttled', async () => {
    east().injectFault({ path: '/openai/v1/responses', status: 429, times: 3 });
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ code: 'rate_limit_exceeded' });
  });
});

describe('bridged streams as the simulator paces them', () => {
  let paced: DemoEnvironment;
  beforeAll(async () => {
    paced = await startE2E(60);
  });
  afterAll(() => paced.close());

  it('delivers each content chunk when its event arrives, not at the end', async () => {
    const stream = await openaiClient(paced.gateway.url).chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'a b c d e f' }],
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
    expect(arrivals).toHaveLength(7);
    const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]!);
    // Six gaps of about 60 ms each: a buffered answer would arrive in one burst.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(6 * 60 * 0.7);
    expect(gaps.filter((gap) => gap > 30).length).toBeGreaterThanOrEqual(5);
  });
});
