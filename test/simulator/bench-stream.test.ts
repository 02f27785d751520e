import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { ROLE, chatBody, parseSse, sendSigned, startTestSimulator } from './helpers.js';

const BENCH_MODEL = 'sim.bench-stream';

describe('the simulator\'s benchmark stream (benchStreamModel)', () => {
  let sim: MantleSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ benchStreamModel: BENCH_MODEL });
  });
  afterAll(() => sim.close());

  const request = (bench: object, extra: object = { stream: true }) =>
    sendSigned(sim, { path: '/v1/chat/completions', credentials: ROLE, body: JSON.stringify({ model: BENCH_MODEL, messages: [{ role: 'user', content: 'x' }], bench, ...extra }) });

  it('sends the requested number of chat chunks of the requested size, then [DONE]', async () => {
    const response = await request({ events: 5, event_bytes: 600 });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = response.text.split('\n\n').slice(0, -1);
    expect(events).toHaveLength(6);
    for (const event of events.slice(0, 5)) expect(Buffer.byteLength(`${event}\n\n`)).toBe(600);
    expect(events[5]).toBe('data: [DONE]');
    const chunk = JSON.parse(parseSse(response.text)[0]!.data);
    expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: BENCH_MODEL, choices: [{ index: 0, delta: {} }] });
  });

  it('stamps each event with the monotonic clock at send time, pacing them as asked', async () => {
    const before = process.hrtime.bigint();
    const response = await request({ events: 3, event_bytes: 300, pacing_ms: 20 });
    const after = process.hrtime.bigint();
    const stamps = parseSse(response.text).slice(0, 3).map((message) => BigInt(JSON.parse(message.data).sent_at_ns as string));
    expect(stamps[0]! >= before && stamps[2]! <= after).toBe(true);
    expect(Number(stamps[2]! - stamps[0]!) / 1e6).toBeGreaterThanOrEqual(38);
  });

  it.each([
    ['a stream that is not asked for', { events: 1 }, { stream: false }],
    ['a negative event count', { events: -1 }, { stream: true }],
    ['a fractional event size', { event_bytes: 1.5 }, { stream: true }],
  ])('rejects %s with a 400', async (_name, bench, extra) => {
    const response = await request(bench, extra);
    expect(response.status).toBe(400);
    expect(response.json().error.code).toBe('validation_error');
  });

  it('is off unless configured: other simulators do not know the model', async () => {
    const plain = await startTestSimulator();
    try {
      const response = await sendSigned(plain, { path: '/v1/chat/completions', credentials: ROLE, body: chatBody('x', { model: BENCH_MODEL, stream: true }) });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
