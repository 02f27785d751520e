import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WHOLE_ANSWER_MAX_BYTES, writeAnswer } from '../../lambda/adapters/write-answer.js';
import type { Answer } from '../../lambda/domain/answer.js';
import { fromResponse } from '../support/answers.js';

/** Serves whatever `answer()` returns through writeAnswer, over loopback. */
let answer: () => Answer = () => fromResponse(new Response(null));
let server: Server;
let url: string;
let writes: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    // Each call of _write or _writev is one write to the socket (a corked socket gathers its chunks in one _writev).
    const socket = res.socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    writes = [];
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name].bind(socket);
      socket[name] = (...args: unknown[]) => (writes.push(1), original(...args));
    }
    void writeAnswer(res, answer()).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, { agent: false }, resolve).on('error', reject).end());
}

async function text(response: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return body;
}

function chunked(parts: readonly string[], gapMs = 0): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      if (index > 0 && gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (index === parts.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(parts[index++]!));
    },
  });
}

describe('writeAnswer', () => {
  it('writes a short JSON answer whole: one socket write, with its content-length', async () => {
    answer = () => fromResponse(new Response(chunked(['{"id":', '"x"}']), { status: 201, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } }));
    const response = await get();
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-length']).toBe('10');
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.headers['x-request-id']).toBe('r');
    expect(await text(response)).toBe('{"id":"x"}');
    expect(writes).toHaveLength(1);
  });

  it('streams a non-streamed answer larger than the limit, every byte in order', async () => {
    const parts = Array.from({ length: 10 }, (_, index) => String(index).repeat(WHOLE_ANSWER_MAX_BYTES / 4));
    answer = () => fromResponse(new Response(chunked(parts), { headers: { 'content-type': 'application/json' } }));
    const response = await get();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(await text(response)).toBe(parts.join(''));
  });

  it('hands each event of a stream on as it arrives, without waiting for the next', async () => {
    answer = () => fromResponse(new Response(chunked(['data: 1\n\n', 'data: 2\n\n'], 300), { headers: { 'content-type': 'text/event-stream' } }));
    const started = performance.now();
    const response = await get();
    const first = await new Promise<string>((resolve) => response.once('data', (chunk) => resolve(String(chunk))));
    expect(first).toBe('data: 1\n\n');
    expect(performance.now() - started).toBeLessThan(250);
    response.resume();
  });

  it('writes a whole body (a gateway-made answer) in one write, with its content-length', async () => {
    answer = () => ({ status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"ü"}' });
    const response = await get();
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength('{"error":"ü"}')));
    expect(await text(response)).toBe('{"error":"ü"}');
    expect(writes).toHaveLength(1);
  });

  it('answers a body-less response with its status and headers', async () => {
    answer = () => fromResponse(new Response(null, { status: 204, headers: { 'x-request-id': 'r' } }));
    const response = await get();
    expect(response.statusCode).toBe(204);
    expect(response.headers['x-request-id']).toBe('r');
  });

  it('cancels the body when the caller leaves mid-stream', async () => {
    let cancelled: (reason: unknown) => void = () => undefined;
    const wasCancelled = new Promise((resolve) => (cancelled = resolve));
    answer = () =>
      fromResponse(new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
          },
          cancel: (reason) => cancelled(reason ?? 'cancelled'),
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ));
    const response = await get();
    await new Promise((resolve) => response.once('data', resolve));
    response.destroy();
    await expect(wasCancelled).resolves.toBeDefined();
  });
});
