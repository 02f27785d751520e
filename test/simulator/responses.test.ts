import OpenAI from 'openai';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { API_KEY, bearer, parseSse, send, startTestSimulator } from './helpers.js';

const RESPONSE_ID = /^resp_[a-z2-7]{52}$/;

describe('simulated Responses API', () => {
  let sim: MantleSimulator;
  let onV1: OpenAI;
  let onOpenAIV1: OpenAI;
  beforeAll(async () => {
    sim = await startTestSimulator();
    onV1 = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/v1`, maxRetries: 0 });
    onOpenAIV1 = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/openai/v1`, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  /** Polls until the stored response leaves queued/in_progress; the simulator finishes it within a second. */
  async function settled(id: string): Promise<OpenAI.Responses.Response> {
    for (;;) {
      const response = await onV1.responses.retrieve(id);
      if (response.status !== 'queued' && response.status !== 'in_progress') return response;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('answers gpt-5.5 on /openai/v1 with a completed response object', async () => {
    const response = await onOpenAIV1.responses.create({ model: 'openai.gpt-5.5', input: 'hello responses' });
    expect(response.id).toMatch(RESPONSE_ID);
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'openai.gpt-5.5' });
    expect(response.output_text).toBe('Echo: hello responses');
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(response.usage).toMatchObject({ input_tokens: 4, output_tokens: 3, total_tokens: 7 });
  });

  it('echoes the last user item of an input list', async () => {
    const response = await onV1.responses.create({
      model: 'openai.gpt-oss-120b',
      input: [
        { role: 'user', content: 'earlier' },
        { role: 'user', content: [{ type: 'input_text', text: 'latest' }] },
      ],
    });
    expect(response.output_text).toBe('Echo: latest');
  });

  it('streams the full event sequence, which the official stream helper assembles', async () => {
    const stream = onOpenAIV1.responses.stream({ model: 'openai.gpt-5.5', input: 'streamed reply' });
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Echo: streamed reply');
    expect(final.status).toBe('completed');
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('numbers streamed events from 0 and names the response in the first', async () => {
    const res = await send(sim, {
      path: '/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-oss-20b', input: 'number me', stream: true }),
    });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(res.text).map((m) => ({ event: m.event, data: JSON.parse(m.data) }));
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_e, index) => index));
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events[0]?.data.response.id).toMatch(RESPONSE_ID);
  });

  it('stores a response so that it can be retrieved and deleted', async () => {
    const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'keep me' });
    const fetched = await onV1.responses.retrieve(created.id);
    expect(fetched.output_text).toBe('Echo: keep me');

    const deleted = await send(sim, { method: 'DELETE', path: `/v1/responses/${created.id}`, headers: bearer() });
    expect(deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    const gone = await send(sim, { method: 'GET', path: `/v1/responses/${created.id}`, headers: bearer() });
    expect(gone.status).toBe(404);
  });

  it('stores a streamed response once the stream completes', async () => {
    const final = await onOpenAIV1.responses.stream({ model: 'openai.gpt-5.5', input: 'stream then store' }).finalResponse();
    const fetched = await onOpenAIV1.responses.retrieve(final.id);
    expect(fetched).toMatchObject({ status: 'completed', output_text: 'Echo: stream then store' });
  });

  it('does not store a response created with store: false', async () => {
    const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'forget me', store: false });
    await expect(onV1.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers an unknown response id with 404 in the OpenAI envelope', async () => {
    const res = await send(sim, { method: 'GET', path: `/openai/v1/responses/resp_${'a'.repeat(52)}`, headers: bearer() });
    expect(res.status).toBe(404);
    expect(res.json().error.message).toMatch(/not found/);
  });

  it('chains on previous_response_id and inherits the model when it is omitted', async () => {
    const first = await onOpenAIV1.responses.create({ model: 'openai.gpt-5.5', input: 'first turn' });
    const second = await send(sim, {
      path: '/openai/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ previous_response_id: first.id, input: 'second turn' }),
    });
    expect(second.status).toBe(200);
    expect(second.json()).toMatchObject({ model: 'openai.gpt-5.5', previous_response_id: first.id });
    // The chained request is billed for the earlier turn as well: 'second turn' is 3 tokens on its own.
    const earlier = (first.usage?.input_tokens ?? 0) + (first.usage?.output_tokens ?? 0);
    expect(second.json().usage.input_tokens).toBe(3 + earlier);
  });

  it('rejects a previous_response_id it never stored with 404', async () => {
    const res = await send(sim, {
      path: '/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-oss-120b', previous_response_id: `resp_${'b'.repeat(52)}`, input: 'x' }),
    });
    expect(res.status).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });
  });

  it('keeps stored responses in its own region: another simulator does not know them', async () => {
    const other = await startTestSimulator({ region: 'us-west-2' });
    try {
      const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'regional' });
      const res = await send(other, {
        path: '/v1/responses',
        headers: bearer(),
        body: JSON.stringify({ previous_response_id: created.id, input: 'follow up' }),
      });
      expect(res.status).toBe(404);
      const get = await send(other, { method: 'GET', path: `/v1/responses/${created.id}`, headers: bearer() });
      expect(get.status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const response = await onV1.responses.create({
      model: 'openai.gpt-oss-120b',
      input: 'a b c d e',
      max_output_tokens: 3,
    });
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(response.output_text).toBe('Echo: a b');
  });

  describe('background responses', () => {
    it('queue, then complete on their own', async () => {
      const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'later', background: true });
      expect(created.status).toBe('queued');
      expect(created.background).toBe(true);
      const done = await settled(created.id);
      expect(done.status).toBe('completed');
      expect(done.output_text).toBe('Echo: later');
    });

    it('can be cancelled before they complete', async () => {
      const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'never', background: true });
      const cancelled = await onV1.responses.cancel(created.id);
      expect(cancelled.status).toBe('cancelled');
      expect((await settled(created.id)).status).toBe('cancelled');
    });

    it('cannot be cancelled once completed (400)', async () => {
      const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'fast', background: true });
      await settled(created.id);
      const res = await send(sim, { path: `/v1/responses/${created.id}/cancel`, headers: bearer() });
      expect(res.status).toBe(400);
      expect(res.json().error.message).toBe('Cannot cancel a completed response.');
    });

    it('require store (400 with store: false)', async () => {
      const res = await send(sim, {
        path: '/v1/responses',
        headers: bearer(),
        body: JSON.stringify({ model: 'openai.gpt-oss-120b', input: 'x', background: true, store: false }),
      });
      expect(res.status).toBe(400);
    });
  });

  it('refuses to cancel a response that was not created in background (400)', async () => {
    const created = await onV1.responses.create({ model: 'openai.gpt-oss-120b', input: 'sync' });
    const res = await send(sim, { path: `/v1/responses/${created.id}/cancel`, headers: bearer() });
    expect(res.status).toBe(400);
  });

  it('answers cancel for an unknown id with 404', async () => {
    const res = await send(sim, { path: `/v1/responses/resp_${'c'.repeat(52)}/cancel`, headers: bearer() });
    expect(res.status).toBe(404);
  });
});
