import OpenAI from 'openai';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { API_KEY, bearer, chatBody, parseSse, send, startTestSimulator } from './helpers.js';

describe('simulated chat completions', () => {
  let sim: MantleSimulator;
  let openai: OpenAI;
  beforeAll(async () => {
    sim = await startTestSimulator();
    openai = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('answers the official client with an echo of the last user message', async () => {
    const completion = await openai.chat.completions.create({
      model: 'openai.gpt-oss-120b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'what is mantle?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('openai.gpt-oss-120b');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Echo: what is mantle?' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('counts prompt tokens as a quarter of the characters, rounded up', async () => {
    const text = 'x'.repeat(41);
    const completion = await openai.chat.completions.create({
      model: 'qwen.qwen3-32b',
      messages: [{ role: 'user', content: text }],
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });
  });

  it('reads text out of content parts', async () => {
    const completion = await openai.chat.completions.create({
      model: 'mistral.mistral-large-3-675b-instruct',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'from parts' }] }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: from parts');
  });

  it('streams a role chunk, word deltas and a finish chunk to the official client', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai.gpt-oss-20b',
      messages: [{ role: 'user', content: 'stream these four words' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Echo: stream these four words');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(5);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('ends with a usage chunk without choices when include_usage is asked for', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai.gpt-oss-20b',
      messages: [{ role: 'user', content: 'count me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('assembles the same message through the client stream helper', async () => {
    const runner = openai.chat.completions.stream({
      model: 'openai.gpt-oss-120b',
      messages: [{ role: 'user', content: 'helper test' }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Echo: helper test');
  });

  it('sends SSE with data lines only, terminated by [DONE]', async () => {
    const res = await send(sim, { path: '/v1/chat/completions', headers: bearer(), body: chatBody('raw', { stream: true }) });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const messages = parseSse(res.text);
    expect(messages.every((m) => m.event === undefined)).toBe(true);
    expect(messages.at(-1)?.data).toBe('[DONE]');
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it.each([
    ['max_tokens', { max_tokens: 2 }],
    ['max_completion_tokens', { max_completion_tokens: 2 }],
  ])('stops at %s with finish_reason length', async (_name, limit) => {
    const res = await send(sim, {
      path: '/v1/chat/completions',
      headers: bearer(),
      body: chatBody('one two three four', limit),
    });
    const choice = res.json().choices[0];
    expect(choice.message.content).toBe('Echo: one');
    expect(choice.finish_reason).toBe('length');
    expect(res.json().usage.completion_tokens).toBe(2);
  });

  it('rejects a request without messages with 400', async () => {
    const res = await send(sim, {
      path: '/v1/chat/completions',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-oss-120b' }),
    });
    expect(res.status).toBe(400);
    expect(res.json().error.param).toBe('messages');
  });
});
