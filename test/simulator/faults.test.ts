import OpenAI from 'openai';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import {
  API_KEY,
  anthropicHeaders,
  bearer,
  chatBody,
  openStream,
  parseSse,
  send,
  startTestSimulator,
} from './helpers.js';
import type { RawRequest } from './helpers.js';

const CHAT = '/v1/chat/completions';

const streamingRequests: Array<[string, RawRequest]> = [
  ['chat', { path: CHAT, headers: bearer(), body: chatBody('a b c d', { stream: true }) }],
  [
    'responses',
    {
      path: '/openai/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-5.5', input: 'a b c d', stream: true }),
    },
  ],
  [
    'messages',
    {
      path: '/anthropic/v1/messages',
      headers: anthropicHeaders(),
      body: JSON.stringify({
        model: 'anthropic.claude-opus-4-7',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'a b c d' }],
      }),
    },
  ],
];

describe('simulator faults', () => {
  let sim: MantleSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterEach(() => sim.clearFaults());
  afterAll(() => sim.close());

  const chat = (text = 'hi'): Promise<Awaited<ReturnType<typeof send>>> =>
    send(sim, { path: CHAT, headers: bearer(), body: chatBody(text) });

  it('answers with the fault status in the path\'s envelope once, then normally', async () => {
    sim.injectFault({ status: 503 });
    const failed = await chat();
    expect(failed.status).toBe(503);
    expect(failed.json().error).toMatchObject({ type: 'service_unavailable_error' });
    expect(failed.headers['x-amzn-requestid']).toBeDefined();
    expect((await chat()).status).toBe(200);
  });

  it('answers `times` requests before the fault is used up', async () => {
    sim.injectFault({ status: 429, times: 2 });
    const statuses = [(await chat()).status, (await chat()).status, (await chat()).status];
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('uses the Anthropic envelope for a fault on the Anthropic path', async () => {
    sim.injectFault({ status: 529 });
    const { body, headers, path } = streamingRequests[2]![1];
    const res = await send(sim, { path, headers, body: body?.replace('"stream":true', '"stream":false') });
    expect(res.status).toBe(529);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it.each([
    ['a text body', 'upstream exploded', 'upstream exploded', /^text\/plain/],
    ['an object body', { message: 'custom' }, '{"message":"custom"}', /^application\/json/],
  ])('sends %s and extra headers when the fault gives them', async (_name, body, text, contentType) => {
    sim.injectFault({ status: 500, body, headers: { 'x-custom': 'yes' } });
    const res = await chat();
    expect(res.status).toBe(500);
    expect(res.text).toBe(text);
    expect(res.headers['content-type']).toMatch(contentType);
    expect(res.headers['x-custom']).toBe('yes');
  });

  it('matches faults by model', async () => {
    sim.injectFault({ model: 'qwen.qwen3-32b', status: 500 });
    const other = await send(sim, { path: CHAT, headers: bearer(), body: chatBody('hi') });
    const qwen = await send(sim, { path: CHAT, headers: bearer(), body: chatBody('hi', { model: 'qwen.qwen3-32b' }) });
    expect([other.status, qwen.status]).toEqual([200, 500]);
  });

  it.each([
    ['an exact path', '/v1/responses'],
    ['a pattern', /\/responses$/],
  ])('matches faults by %s', async (_name, path) => {
    sim.injectFault({ path, status: 502 });
    const chatted = await chat();
    const responded = await send(sim, {
      path: '/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-oss-120b', input: 'x' }),
    });
    expect([chatted.status, responded.status]).toEqual([200, 502]);
  });

  it('is consumed only by authenticated requests', async () => {
    sim.injectFault({ status: 503 });
    const anonymous = await send(sim, { path: CHAT, body: chatBody('hi') });
    expect(anonymous.status).toBe(401);
    expect((await chat()).status).toBe(503);
  });

  it('is removed by clearFaults', async () => {
    sim.injectFault({ status: 503, times: 5 });
    sim.clearFaults();
    expect((await chat()).status).toBe(200);
  });

  it('holds the answer back by delayMs: a later request overtakes it', async () => {
    sim.injectFault({ model: 'qwen.qwen3-32b', delayMs: 800 });
    const order: string[] = [];
    const delayed = send(sim, { path: CHAT, headers: bearer(), body: chatBody('slow', { model: 'qwen.qwen3-32b' }) }).then(
      (res) => order.push(`delayed ${res.status}`),
    );
    await chat('fast').then((res) => order.push(`prompt ${res.status}`));
    await delayed;
    expect(order).toEqual(['prompt 200', 'delayed 200']);
  });

  it('lets the official client retry through transient 503s', async () => {
    const openai = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/v1`, maxRetries: 2 });
    sim.injectFault({ path: CHAT, status: 503, times: 2, headers: { 'retry-after-ms': '10' } });
    const before = sim.requests.length;
    const completion = await openai.chat.completions.create({
      model: 'openai.gpt-oss-120b',
      messages: [{ role: 'user', content: 'third time lucky' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: third time lucky');
    expect(sim.requests.length - before).toBe(3);
  });

  it.each(streamingRequests)('cuts a %s stream after cutAfterEvents events', async (_name, request) => {
    sim.injectFault({ cutAfterEvents: 2 });
    const stream = await openStream(sim, request);
    expect(stream.status).toBe(200);
    expect(await stream.finished).toBe('error');
    expect(parseSse(stream.text())).toHaveLength(2);
  });

  it.each(streamingRequests)('stalls a %s stream after stallAfterEvents events', async (_name, request) => {
    sim.injectFault({ stallAfterEvents: 1 });
    const stream = await openStream(sim, request);
    await stream.waitFor((text) => parseSse(text).length === 1);
    // A full round trip on the same simulator later, the stalled stream has still sent nothing more.
    expect((await chat()).status).toBe(200);
    expect(parseSse(stream.text())).toHaveLength(1);
    stream.abort();
    expect(await stream.finished).toBe('error');
  });

  it('resets the connection before any answer with cutAfterEvents 0 on a plain request', async () => {
    sim.injectFault({ cutAfterEvents: 0 });
    await expect(chat()).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('truncates a plain JSON body with cutAfterEvents 1', async () => {
    sim.injectFault({ cutAfterEvents: 1 });
    const stream = await openStream(sim, { path: CHAT, headers: bearer(), body: chatBody('truncate me') });
    expect(stream.status).toBe(200);
    expect(await stream.finished).toBe('error');
    expect(() => JSON.parse(stream.text())).toThrow();
  });

  it('never answers with stallAfterEvents 0, so the client\'s own timeout fires', async () => {
    sim.injectFault({ stallAfterEvents: 0 });
    const openai = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/v1`, maxRetries: 0, timeout: 200 });
    // APIConnectionTimeoutError outside jest; jest's module realm makes the SDK report its parent class.
    await expect(
      openai.chat.completions.create({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: 'hello?' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it.each([
    ['times 0', { times: 0 }],
    ['a negative cutAfterEvents', { cutAfterEvents: -1 }],
  ])('refuses a fault with %s', (_name, fault) => {
    expect(() => sim.injectFault(fault)).toThrow(RangeError);
  });
});
