import { fromResponse } from '../support/answers.js';
import { createFunctionUrlHandler } from '../../lambda/adapters/lambda-adapter.js';
import type { FunctionUrlEvent } from '../../lambda/adapters/lambda-runtime-types.js';
import type { Gateway } from '../../lambda/core/index.js';
import { FakeResponseStream, fakeHttpResponseStream } from '../support/fake-response-stream.js';

const CONTEXT = { awsRequestId: 'req-1' };

function event(overrides: Partial<FunctionUrlEvent> = {}): FunctionUrlEvent {
  return {
    rawPath: '/v1/chat/completions',
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.us-east-2.on.aws', 'content-type': 'application/json' },
    body: '{"model":"m"}',
    isBase64Encoded: false,
    requestContext: { domainName: 'abc.lambda-url.us-east-2.on.aws', http: { method: 'POST' } },
    ...overrides,
  };
}

describe('createFunctionUrlHandler', () => {
  it('sends status and headers in the prelude, then the body', async () => {
    const gateway: Gateway = async () => fromResponse(new Response('data: one\n\n', { status: 201, headers: { 'content-type': 'text/event-stream' } }));
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(gateway, fakeHttpResponseStream)(event(), stream, CONTEXT);
    expect(stream.parse()).toEqual({ prelude: { statusCode: 201, headers: { 'content-type': 'text/event-stream' } }, body: 'data: one\n\n' });
    expect(stream.writableFinished).toBe(true);
  });

  it('still sends the prelude when the body is empty', async () => {
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(async () => fromResponse(new Response(null, { status: 204 })), fakeHttpResponseStream)(event(), stream, CONTEXT);
    expect(stream.parse()).toEqual({ prelude: { statusCode: 204, headers: {} }, body: '' });
  });

  it('turns the function URL event into the request the gateway sees', async () => {
    let seen: { url: string; method: string; body: string; headers: Record<string, string> } | undefined;
    const gateway: Gateway = async (request) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      seen = { url: request.url, method: request.method, body: new TextDecoder().decode(await request.arrayBuffer()), headers };
      return fromResponse(new Response('ok'));
    };
    await createFunctionUrlHandler(gateway, fakeHttpResponseStream)(
      event({ rawPath: '/v1/responses', rawQueryString: 'stream=true', body: Buffer.from('{"model":"ü"}').toString('base64'), isBase64Encoded: true }),
      new FakeResponseStream(),
      CONTEXT,
    );
    expect(seen).toEqual({
      url: 'https://abc.lambda-url.us-east-2.on.aws/v1/responses?stream=true',
      method: 'POST',
      body: '{"model":"ü"}',
      headers: { host: 'abc.lambda-url.us-east-2.on.aws', 'content-type': 'application/json' },
    });
  });

  it('streams chunk by chunk and stops pulling while the client is slow (backpressure)', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulls === 200) controller.close();
      },
    }, { highWaterMark: 0 });
    const stream = new FakeResponseStream(16 * 1024);
    stream.block();
    const done = createFunctionUrlHandler(async () => fromResponse(new Response(body)), fakeHttpResponseStream)(event(), stream, CONTEXT);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const pullsWhileBlocked = pulls;
    expect(pullsWhileBlocked).toBeLessThan(10);
    stream.release();
    const drain = setInterval(() => stream.release(), 1);
    await done;
    clearInterval(drain);
    expect(pulls).toBe(200);
    expect(stream.parse().body.length).toBe(200 * 64 * 1024);
  });

  it('aborts the gateway request and cancels the upstream body when the client disconnects', async () => {
    let signal: AbortSignal | undefined;
    let cancelled = false;
    const gateway: Gateway = async (request) => {
      signal = request.signal;
      return fromResponse(new Response(new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: first\n\n'));
        },
        cancel() {
          cancelled = true;
        },
      })));
    };
    const stream = new FakeResponseStream();
    const originalWrite = stream._write.bind(stream);
    stream._write = (chunk, encoding, callback) => {
      originalWrite(chunk, encoding, callback);
      if (chunk.toString().includes('first')) setImmediate(() => stream.destroy());
    };
    await createFunctionUrlHandler(gateway, fakeHttpResponseStream)(event(), stream, CONTEXT);
    expect(signal?.aborted).toBe(true);
    expect(cancelled).toBe(true);
  });
});

describe('createFunctionUrlHandler with events no Request can hold', () => {
  const untouched: Gateway = async () => {
    throw new Error('the gateway must not be called');
  };

  it.each([
    ['TRACE', 405, 'openai', { requestContext: { domainName: 'abc.lambda-url.us-east-2.on.aws', http: { method: 'TRACE' } } }],
    ['CONNECT', 405, 'openai', { requestContext: { domainName: 'abc.lambda-url.us-east-2.on.aws', http: { method: 'CONNECT' } } }],
    ['an invalid header name', 400, 'openai', { headers: { 'bad name': 'x' } }],
    ['a header value holding a NUL on Messages', 400, 'anthropic', { rawPath: '/v1/messages', headers: { 'x-note': 'a\u0000b' } }],
  ] as Array<[string, number, string, Partial<FunctionUrlEvent>]>)('answers %s with %i in the API envelope, prelude first', async (_name, status, surface, overrides) => {
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(untouched, fakeHttpResponseStream)(event(overrides), stream, CONTEXT);
    const { prelude, body } = stream.parse();
    expect(prelude).toMatchObject({ statusCode: status, headers: { 'content-type': 'application/json' } });
    const json = JSON.parse(body);
    if (surface === 'anthropic') expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    else expect(json.error).toMatchObject({ type: 'invalid_request_error', message: expect.any(String) });
    expect(stream.writableFinished).toBe(true);
  });

  it('keeps a header value above U+00FF (a CDN\'s UTF-8 geo header) as its UTF-8 bytes instead of failing', async () => {
    let seen: string | null = null;
    const gateway: Gateway = async (request) => {
      seen = request.headers.get('cf-ipcity');
      return fromResponse(new Response('ok'));
    };
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(gateway, fakeHttpResponseStream)(event({ headers: { 'cf-ipcity': 'Srīperumbūdūr \u{1f600}' } }), stream, CONTEXT);
    expect(stream.parse().prelude?.statusCode).toBe(200);
    expect(Buffer.from(seen!, 'latin1').toString('utf8')).toBe('Srīperumbūdūr \u{1f600}');
  });

  it('names the methods it serves on a 405', async () => {
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(untouched, fakeHttpResponseStream)(event({ requestContext: { http: { method: 'TRACE' } } }), stream, CONTEXT);
    expect(stream.parse().prelude?.headers).toMatchObject({ allow: 'GET, POST, DELETE' });
  });

  it('answers 500 in the API envelope, prelude first, when the gateway itself throws', async () => {
    const stream = new FakeResponseStream();
    await createFunctionUrlHandler(async () => { throw new Error('boom'); }, fakeHttpResponseStream)(event(), stream, CONTEXT);
    const { prelude, body } = stream.parse();
    expect(prelude?.statusCode).toBe(500);
    expect(JSON.parse(body).error.type).toBe('server_error');
    expect(body).not.toContain('boom');
  });
});
