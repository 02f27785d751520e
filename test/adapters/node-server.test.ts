import { fromResponse } from '../support/answers.js';
import { connect } from 'node:net';
import { renderError } from '../../lambda/core/render-error.js';
import { surfaceOf } from '../../lambda/core/index.js';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { rawRequest } from '../support/raw-http.js';

/** Requests node:http parses but no web Request can hold: each must get an API-shaped 4xx, never an empty reply. */
let server: LocalServer;
let gatewayCalls = 0;
let lastBodyLength = 0;

beforeAll(async () => {
  server = await startLocalServer({
    gateway: async (request, invocation) => {
      // A refused request is only to be answered (and recorded, by a real gateway): nothing is served for it.
      if (request.refusal) return renderError(request.refusal.error, surfaceOf(request.refusal.path), invocation?.requestId);
      gatewayCalls++;
      lastBodyLength = (await request.arrayBuffer()).byteLength;
      return fromResponse(new Response(JSON.stringify({ path: new URL(request.url).pathname, host: request.headers.get('host') }), { headers: { 'content-type': 'application/json' } }));
    },
  });
});
afterAll(() => server.close());

const close = 'Connection: close\r\n\r\n';

describe('the local server with requests a Request cannot hold', () => {
  it('serves an ordinary request over the same raw socket', async () => {
    const reply = await rawRequest(server.url, `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n${close}`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ path: '/v1/models', host: '127.0.0.1' });
  });

  it.each([
    ['TRACE', 405, 'openai', `TRACE /v1/models HTTP/1.1\r\nHost: gw\r\n${close}`],
    ['TRACE on Messages', 405, 'anthropic', `TRACE /v1/messages HTTP/1.1\r\nHost: gw\r\n${close}`],
    ['TRACK', 405, 'openai', `TRACK /v1/models HTTP/1.1\r\nHost: gw\r\n${close}`],
    ['CONNECT', 405, 'openai', `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n${close}`],
    ['Host: a b', 400, 'openai', `GET /v1/models HTTP/1.1\r\nHost: a b\r\n${close}`],
    ['Host: a/b', 400, 'openai', `GET /v1/models HTTP/1.1\r\nHost: a/b\r\n${close}`],
    ['no Host on HTTP/1.1', 400, 'openai', `GET /v1/models HTTP/1.1\r\n${close}`],
    ['an absolute-form target', 400, 'openai', `GET http://example.com/v1/models HTTP/1.1\r\nHost: example.com\r\n${close}`],
    ['an asterisk-form target', 400, 'openai', `OPTIONS * HTTP/1.1\r\nHost: gw\r\n${close}`],
    ['a malformed header line', 400, 'openai', `GET /v1/models HTTP/1.1\r\nHost: gw\r\nno colon here\r\n${close}`],
  ])('answers %s with %i in the API envelope, without calling the gateway', async (_name, status, surface, request) => {
    const before = gatewayCalls;
    const reply = await rawRequest(server.url, request);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toBe('application/json');
    const json = JSON.parse(reply.body);
    if (surface === 'anthropic') expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });
    else expect(json.error).toMatchObject({ type: 'invalid_request_error', message: expect.any(String), code: expect.any(String) });
    if (status === 405) expect(reply.headers['allow']).toBe('GET, POST, DELETE');
    expect(gatewayCalls).toBe(before);
  });
});

describe('the local server reading request bodies', () => {
  it('gives the gateway a body sent in several pieces, whole', async () => {
    const body = JSON.stringify({ model: 'm', pad: 'x'.repeat(100_000) });
    const reply = await rawRequest(server.url, `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\ncontent-length: ${body.length}\r\n${close}${body}`);
    expect(reply.status).toBe(200);
    expect(lastBodyLength).toBe(body.length);
  });

  it('keeps serving after a caller leaves in the middle of a body, without calling the gateway for it', async () => {
    const before = gatewayCalls;
    const { hostname, port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\ncontent-length: 1000\r\n\r\n{"model":');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
    });
    const reply = await rawRequest(server.url, `GET /v1/models HTTP/1.1\r\nHost: gw\r\n${close}`);
    expect(reply.status).toBe(200);
    expect(gatewayCalls).toBe(before + 1);
  });
});
