import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChunkSource } from '../../lambda/domain/answer.js';
import { createNodeHttpFetch } from '../../lambda/upstream/node-http-fetch.js';

/** The upstream transport over loopback: what it hands over, connection reuse, and bodies that end badly. */
let server: Server;
let base: URL;
let connections = 0;
let handler: (res: ServerResponse) => void = (res) => res.end('{}');

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.once('end', () => handler(res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/x`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetchUpstream = createNodeHttpFetch();
const send = (signal = new AbortController().signal) => fetchUpstream(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', signal });

async function readAll(body: ChunkSource | undefined): Promise<string> {
  let text = '';
  for (let chunk = await body?.read(); chunk !== undefined; chunk = await body?.read()) text += Buffer.from(chunk).toString();
  return text;
}

describe('the node:http upstream transport', () => {
  it('hands over status, Node\'s lower-case headers and the body, and reuses one connection for calls in sequence', async () => {
    handler = (res) => res.writeHead(201, { 'Content-Type': 'application/json', 'X-Request-Id': 'up-1' }).end('{"ok":true}');
    const before = connections;
    for (let index = 0; index < 5; index++) {
      const answer = await send();
      expect(answer.status).toBe(201);
      expect(answer.headers['x-request-id']).toBe('up-1');
      expect(await readAll(answer.body)).toBe('{"ok":true}');
      expect(await answer.body?.read()).toBeUndefined();
      // The next call comes with the next request, a later turn of the event loop: by then the socket is back in
      // the pool (the body reports its end as soon as all of it was read, a few ticks before Node frees the socket).
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connections - before).toBe(1);
  });

  it('reads a body that arrives in pieces, in order, and only then ends', async () => {
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let index = 0;
      const next = (): void => {
        if (index === 3) return void res.end('data: end\n\n');
        res.write(`data: ${index++}\n\n`);
        setTimeout(next, 20);
      };
      next();
    };
    const answer = await send();
    expect(await readAll(answer.body)).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: end\n\n');
  });

  it('reads a large answer with a content-length whole and in order, and reuses the connection after it', async () => {
    const large = Buffer.alloc(1024 * 1024);
    for (let index = 0; index < large.length; index++) large[index] = index % 251;
    handler = (res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(large.length) }).end(large);
    const before = connections;
    for (let round = 0; round < 2; round++) {
      const answer = await send();
      const chunks: Uint8Array[] = [];
      for (let chunk = await answer.body!.read(); chunk !== undefined; chunk = await answer.body!.read()) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(large)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Both answers over one connection (an earlier test's, kept alive, or one new one).
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('fails the next read when the connection is cut in the middle of the body', async () => {
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 0\n\n');
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const answer = await send();
    await expect(readAll(answer.body)).rejects.toThrow();
  });

  it('fails the next read once the signal aborts after the headers', async () => {
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 0\n\n');
    };
    const controller = new AbortController();
    const answer = await send(controller.signal);
    expect(Buffer.from((await answer.body!.read())!).toString()).toBe('data: 0\n\n');
    const pending = answer.body!.read();
    controller.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow();
  });

  it('reads only as fast as it is read: a caller who stops reading stops Mantle\'s writes (backpressure)', async () => {
    let written = 0;
    let blocked = false;
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        while (written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            blocked = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    const answer = await send();
    await answer.body!.read();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(blocked).toBe(true);
    // Socket buffers on both sides hold a few MiB at most; everything else waits in the server.
    expect(written).toBeLessThan(32 * 1024 * 1024);
    answer.body!.cancel();
  });

  it('takes an abort after the whole answer arrived quietly: the body ends, and the connection is reused', async () => {
    handler = (res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: 0\n\ndata: 1\n\n');
    const before = connections;
    for (let index = 0; index < 3; index++) {
      const controller = new AbortController();
      const answer = await send(controller.signal);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await answer.body!.read();
      controller.abort();
      expect(await answer.body!.read()).toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connections - before).toBe(1);
  });

  it('ends a pending read when the reader cancels the body', async () => {
    handler = (res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: 0\n\n');
    const answer = await send();
    await answer.body!.read();
    const pending = answer.body!.read();
    answer.body!.cancel();
    expect(await pending).toBeUndefined();
  });

  it('has no body for a 204', async () => {
    handler = (res) => res.writeHead(204).end();
    expect((await send()).body).toBeUndefined();
  });
});
