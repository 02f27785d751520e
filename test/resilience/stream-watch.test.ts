import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { FAST, MODELS, startTwoRegions, type TwoRegions } from '../support/two-regions.js';

/**
 * After the first content event reaches the caller, no retry and no fallback: a stall or a cut becomes exactly
 * one in-band error event in the caller's format, then a clean end, and the upstream request is aborted.
 * The stall and cut counts below are in events the simulator sends: the opening events (held back by the
 * gateway, docs/adr) plus the content events the caller has already received.
 */
const IDLE_MS = 400;

let env: TwoRegions;
let url: string;

beforeAll(async () => {
  env = await startTwoRegions();
  url = (await env.startGateway({ ...FAST, streamIdleTimeoutMs: IDLE_MS })).url;
});
afterEach(() => env.clearFaults());
afterAll(() => env.close());

interface Surface {
  readonly name: string;
  readonly path: string;
  readonly body: object;
  readonly headers: Record<string, string>;
  /** Events before the first content event. */
  readonly opening: number;
}

const SURFACES: Surface[] = [
  { name: 'Chat Completions', path: '/v1/chat/completions', opening: 1, headers: {}, body: { model: MODELS.chat, stream: true, messages: [{ role: 'user', content: 'one two three four five' }] } },
  { name: 'Responses', path: '/v1/responses', opening: 4, headers: {}, body: { model: MODELS.responses, stream: true, input: 'one two three four five' } },
  { name: 'Messages', path: '/v1/messages', opening: 3, headers: { 'anthropic-version': '2023-06-01' }, body: { model: MODELS.messages, stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'one two three four five' }] } },
];

interface SseEvent {
  event?: string;
  data: string;
}

async function streamEvents(surface: Surface): Promise<{ events: SseEvent[]; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${url}${surface.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...surface.headers },
    body: JSON.stringify(surface.body),
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        if (line.startsWith('data: ')) event.data = line.slice(6);
      }
      return event;
    });
  return { events, ms: Date.now() - started };
}

function expectInBandError(surface: Surface, events: SseEvent[], code: string, contentEvents: number): void {
  const body = events.slice(surface.opening);
  switch (surface.name) {
    case 'Chat Completions': {
      expect(body.slice(0, contentEvents).every((event) => JSON.parse(event.data).choices)).toBe(true);
      expect(body.slice(contentEvents).map((event) => event.data)).toEqual([expect.stringContaining('"error"'), '[DONE]']);
      expect(JSON.parse(body[contentEvents]!.data)).toEqual({ error: { message: expect.any(String), type: 'server_error', code } });
      break;
    }
    case 'Responses': {
      expect(body).toHaveLength(contentEvents + 1);
      const error = body[contentEvents]!;
      expect(error.event).toBe('error');
      const previous = JSON.parse(body[contentEvents - 1]!.data).sequence_number as number;
      expect(JSON.parse(error.data)).toEqual({ type: 'error', code, message: expect.any(String), sequence_number: previous + 1 });
      break;
    }
    case 'Messages': {
      expect(body).toHaveLength(contentEvents + 1);
      expect(body[contentEvents]!.event).toBe('error');
      expect(JSON.parse(body[contentEvents]!.data)).toEqual({ type: 'error', error: { type: code === 'stream_idle_timeout' ? 'timeout_error' : 'api_error', message: expect.any(String) } });
      break;
    }
  }
}

async function waitForAbort(sim: MantleSimulator): Promise<void> {
  const end = Date.now() + 3_000;
  while (!sim.requests.at(-1)?.abortedByClient) {
    if (Date.now() > end) throw new Error('the upstream request was not aborted');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(SURFACES)('a $name stream failing after its first bytes', (surface) => {
  it('that stalls after the first content event ends with one in-band error within the idle timeout, upstream aborted', async () => {
    const before = env.upstreamCount();
    env.primary.injectFault({ stallAfterEvents: surface.opening + 1 });
    const { events, ms } = await streamEvents(surface);
    expectInBandError(surface, events, 'stream_idle_timeout', 1);
    expect(ms).toBeLessThan(IDLE_MS + 1_500);
    expect(env.upstreamCount() - before).toBe(1);
    await waitForAbort(env.primary);
  });

  it('that is cut after two content events ends with one in-band error, with nothing retried', async () => {
    const before = env.upstreamCount();
    env.primary.injectFault({ cutAfterEvents: surface.opening + 2 });
    const { events, ms } = await streamEvents(surface);
    expectInBandError(surface, events, 'stream_interrupted', 2);
    expect(ms).toBeLessThan(IDLE_MS);
    expect(env.upstreamCount() - before).toBe(1);
  });

  it('that fails in-band before any content is retried, and the caller sees one clean stream', async () => {
    const before = env.primary.requests.length;
    env.primary.injectFault({ failAfterEvents: 1 });
    const { events } = await streamEvents(surface);
    expect(env.primary.requests.length - before).toBe(2);
    const text = events.map((event) => event.data).join('\n');
    expect(text).not.toMatch(/"error":\{|response\.failed|overloaded/);
    expect(text).toContain('five');
  });
});

describe('a bridged Chat stream (Chat caller, Responses route)', () => {
  const bridged: Surface = { name: 'Chat Completions', path: '/v1/chat/completions', opening: 1, headers: {}, body: { model: MODELS.bridged, stream: true, messages: [{ role: 'user', content: 'one two three four five' }] } };

  it('stalling after the first content gets one Chat-shaped in-band error, then [DONE]', async () => {
    env.primary.injectFault({ stallAfterEvents: 5 });
    const { events } = await streamEvents(bridged);
    const errors = events.filter((event) => event.data.includes('"error"'));
    expect(errors.map((event) => JSON.parse(event.data).error.code)).toEqual(['stream_idle_timeout']);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.filter((event) => event.data === '[DONE]')).toHaveLength(1);
  });
});

describe('a caller who disconnects mid-stream', () => {
  it.each(SURFACES)('on $name gets the upstream request aborted', async (surface) => {
    const patient = (await env.startGateway({ ...FAST, streamIdleTimeoutMs: 60_000 })).url;
    env.primary.injectFault({ stallAfterEvents: surface.opening + 1 });
    const controller = new AbortController();
    const response = await fetch(`${patient}${surface.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...surface.headers },
      body: JSON.stringify(surface.body),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await waitForAbort(env.primary);
  });
});
