import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { startMantleSimulator } from '../../dev/mantle-simulator/index.js';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { USER, bearer, chatBody, openStream, parseSse, send, sendSigned, startTestSimulator } from './helpers.js';

const CHAT = '/v1/chat/completions';

/** Sends raw bytes and resolves with whatever the server answers before closing the connection. */
function rawExchange(sim: MantleSimulator, bytes: string): Promise<string> {
  const { hostname, port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('simulator lifecycle and robustness', () => {
  let sim: MantleSimulator;
  beforeEach(async () => {
    sim = await startTestSimulator({ pacingMs: 20 });
  });
  afterEach(() => sim.close());

  it('delivers a paced stream event by event rather than in one piece', async () => {
    const slow = await startTestSimulator({ pacingMs: 150 });
    try {
      const body = chatBody('one two three four', { stream: true });
      const stream = await openStream(slow, { path: CHAT, headers: bearer(), body });
      await stream.waitFor((text) => parseSse(text).length >= 1);
      expect(stream.text()).not.toContain('[DONE]');
      expect(await stream.finished).toBe('end');
      expect(stream.text()).toContain('data: [DONE]');
    } finally {
      await slow.close();
    }
  });

  it('keeps serving after a client disconnects mid-stream', async () => {
    const stream = await openStream(sim, { path: CHAT, headers: bearer(), body: chatBody('a b c d e f g', { stream: true }) });
    await stream.waitFor((text) => parseSse(text).length >= 2);
    stream.abort();
    expect((await send(sim, { path: CHAT, headers: bearer(), body: chatBody('still here?') })).status).toBe(200);
  });

  it('finishes and stores a streamed response server-side when the client leaves early', async () => {
    const stream = await openStream(sim, {
      path: '/v1/responses',
      headers: bearer(),
      body: JSON.stringify({ model: 'openai.gpt-oss-120b', input: 'a b c d e f', stream: true }),
    });
    await stream.waitFor((text) => parseSse(text).length >= 1);
    const id = JSON.parse(parseSse(stream.text())[0]?.data ?? '{}').response.id as string;
    stream.abort();
    await stream.finished;
    let stored = await send(sim, { method: 'GET', path: `/v1/responses/${id}`, headers: bearer() });
    while (stored.json().status === 'in_progress') {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stored = await send(sim, { method: 'GET', path: `/v1/responses/${id}`, headers: bearer() });
    }
    expect(stored.json().status).toBe('completed');
  });

  it('closes promptly with a stalled stream and idle keep-alive connections open', async () => {
    sim.injectFault({ stallAfterEvents: 1 });
    const stalled = await openStream(sim, { path: CHAT, headers: bearer(), body: chatBody('hang', { stream: true }) });
    await stalled.waitFor((text) => parseSse(text).length === 1);
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${sim.url}/v1/models`, { agent, headers: bearer() }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await sim.close();
    expect(await stalled.finished).toBe('error');
    agent.destroy();
  });

  it('answers oversized headers with 431 and keeps serving', async () => {
    const answer = await rawExchange(
      sim,
      `GET /v1/models HTTP/1.1\r\nhost: x\r\nx-huge: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect((await send(sim, { method: 'GET', path: '/v1/models', headers: bearer() })).status).toBe(200);
  });

  it('answers bytes that are not HTTP with 400 and keeps serving', async () => {
    const answer = await rawExchange(sim, 'HELLO THERE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await send(sim, { method: 'GET', path: '/v1/models', headers: bearer() })).status).toBe(200);
  });

  it('survives a client that disconnects in the middle of its upload', async () => {
    const { hostname, port } = new URL(sim.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST ${CHAT} HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{"model":`, () => socket.destroy());
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect((await send(sim, { path: CHAT, headers: bearer(), body: chatBody('after') })).status).toBe(200);
  });

  it('serves regions side by side, each accepting only signatures for its own region', async () => {
    const west = await startTestSimulator({ region: 'us-west-2' });
    try {
      const forWest = await sendSigned(west, { path: CHAT, body: chatBody('west'), region: 'us-west-2' });
      const forEast = await sendSigned(west, { path: CHAT, body: chatBody('west'), region: 'us-east-2' });
      expect([forWest.status, forEast.status]).toEqual([200, 403]);
      expect(west.region).toBe('us-west-2');
      expect(west.requests.map((r) => r.region)).toEqual(['us-west-2', 'us-east-2']);
    } finally {
      await west.close();
    }
  });

  it('serves a custom model list instead of the defaults', async () => {
    const custom = await startMantleSimulator({
      region: 'eu-west-1',
      credentials: [USER],
      bearerTokens: ['k'],
      models: [{ id: 'google.gemma-4-31b', surfaces: ['chat', 'responses'], openaiBasePaths: ['/openai/v1'] }],
    });
    try {
      const headers = { authorization: 'Bearer k' };
      const ok = await send(custom, { path: '/openai/v1/chat/completions', headers, body: chatBody('x', { model: 'google.gemma-4-31b' }) });
      const gone = await send(custom, { path: CHAT, headers, body: chatBody('x') });
      expect([ok.status, gone.status]).toEqual([200, 404]);
    } finally {
      await custom.close();
    }
  });

  it('can be closed twice', async () => {
    await sim.close();
    await expect(sim.close()).resolves.toBeUndefined();
  });

  it.each([
    ['an empty region', { region: '', credentials: [] }],
    ['a negative pacing', { region: 'us-east-1', credentials: [], pacingMs: -1 }],
  ])('refuses to start with %s', async (_name, options) => {
    await expect(startMantleSimulator(options)).rejects.toThrow();
  });
});
