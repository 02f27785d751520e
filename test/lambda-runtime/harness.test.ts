/**
 * Proves the harness: fixture handlers bundled like the real asset, run under the real runtime
 * interface client (aws-lambda-ric on Node 22), called through the emulated function URL over
 * loopback HTTP.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bundleHandler, type BundledHandler } from './bundle-handler.js';
import { startCheckpoints, type Checkpoints } from './checkpoints.js';
import { runUnderRic, type LambdaUnderRic, type RunUnderRicOptions } from './run-under-ric.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/streaming-handler.ts', import.meta.url));

let bundle: BundledHandler;
beforeAll(async () => {
  bundle = await bundleHandler(FIXTURE);
});
afterAll(async () => {
  await bundle.remove();
});

/** Starts the fixture under the runtime client, with checkpoints, for one `describe`. */
function fixtureLambda(options: Partial<RunUnderRicOptions> = {}): { lambda: () => LambdaUnderRic; checkpoints: () => Checkpoints } {
  let lambda: LambdaUnderRic | undefined;
  let checkpoints: Checkpoints | undefined;
  beforeAll(async () => {
    checkpoints = await startCheckpoints();
    lambda = await runUnderRic({
      taskRoot: bundle.taskRoot,
      ...options,
      env: { CHECKPOINT_URL: checkpoints.url, FIXTURE_GREETING: 'hello from the test', ...options.env },
    });
  });
  afterAll(async () => {
    if (process.env['SHOW_RIC_OUTPUT'] === '1') console.log(lambda?.output());
    await lambda?.stop();
    await checkpoints?.close();
  });
  return { lambda: () => lambda!, checkpoints: () => checkpoints! };
}

/** Reads from the body until at least `length` bytes have arrived (no more than that is sent). */
async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, length: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  return readAtLeast(reader, Number.POSITIVE_INFINITY);
}

describe('a streaming handler under aws-lambda-ric', () => {
  const { lambda, checkpoints } = fixtureLambda();

  it('passes the status, headers and cookies of HttpResponseStream.from to the client', async () => {
    const id = randomUUID();
    checkpoints().release(`${id}:first-chunk-written`);
    const res = await fetch(`${lambda().url}/stream`, { headers: { 'x-checkpoint': id } });

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-fixture')).toBe('streamed');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark']);
    expect(res.headers.get('x-amzn-requestid')).toBe(lambda().invocations.at(-1)?.requestId);
    expect(await res.text()).toBe('chunk 1\nchunk 2\nchunk 3\n');
  });

  it('delivers the first chunk to the client before the handler writes the last one', async () => {
    const id = randomUUID();
    const res = await fetch(`${lambda().url}/stream`, { headers: { 'x-checkpoint': id } });
    const reader = res.body!.getReader();

    const first = await readAtLeast(reader, 'chunk 1\n'.length);
    await checkpoints().reached(`${id}:first-chunk-written`);
    expect(first).toBe('chunk 1\n');

    checkpoints().release(`${id}:first-chunk-written`);
    expect(await readRest(reader)).toBe('chunk 2\nchunk 3\n');
  });

  it('hands the handler a payload-format-2.0 event, its context and its environment', async () => {
    const res = await fetch(`${lambda().url}/echo?model=gpt&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-repeated': 'one', cookie: 'a=1; b=2' },
      body: '{"hello":"world"}',
    });
    const seen = (await res.json()) as { event: Record<string, unknown>; context: Record<string, unknown>; env: Record<string, unknown>; node: string };
    const record = lambda().invocations.at(-1)!;

    expect(res.status).toBe(200);
    expect(seen.event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/echo',
      rawQueryString: 'model=gpt&tag=a&tag=b',
      queryStringParameters: { model: 'gpt', tag: 'a,b' },
      cookies: ['a=1', 'b=2'],
      headers: { 'content-type': 'application/json', 'x-repeated': 'one' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/echo', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: expect.any(String) },
        requestId: record.requestId,
        routeKey: '$default',
        stage: '$default',
        timeEpoch: expect.any(Number),
      },
    });
    expect(seen.event['headers']).not.toHaveProperty('cookie');
    expect(seen.context).toMatchObject({
      awsRequestId: record.requestId,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mantle-gateway',
      functionName: 'mantle-gateway',
      memoryLimitInMB: '1024',
    });
    expect(seen.context['remainingTimeInMillis']).toBeGreaterThan(0);
    expect(seen.env).toEqual({ AWS_REGION: 'us-east-1', FIXTURE_GREETING: 'hello from the test' });
    expect(seen.node).toMatch(/^v22\./);
  });

  it.each([
    { kind: 'a JSON body as text', contentType: 'application/json', body: Buffer.from('{"messages":[{"role":"user","content":"hé"}]}'), base64: false },
    { kind: 'a binary body as base64', contentType: 'application/octet-stream', body: randomBytes(4096), base64: true },
  ])('passes $kind', async ({ contentType, body, base64 }) => {
    const res = await fetch(`${lambda().url}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const seen = (await res.json()) as { event: { body: string; isBase64Encoded: boolean }; bodyBase64: string };

    expect(seen.event.isBase64Encoded).toBe(base64);
    expect(seen.event.body).toBe(base64 ? body.toString('base64') : body.toString('utf8'));
    expect(seen.bodyBase64).toBe(body.toString('base64'));
  });

  it('streams binary bytes back unchanged', async () => {
    const body = randomBytes(64 * 1024);
    const res = await fetch(`${lambda().url}/mirror`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });

    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it('answers 502 when the handler throws before writing', async () => {
    const res = await fetch(`${lambda().url}/throw-before-write`);

    expect(res.status).toBe(502);
    expect(await res.text()).toBe('Internal Server Error');
    await expect(lambda().invocations.at(-1)!.outcome).resolves.toEqual({
      kind: 'streamed',
      error: { errorType: 'Error', errorMessage: 'failed before the first byte' },
    });
  });

  it('truncates the body when the handler throws after its first write', async () => {
    const id = randomUUID();
    const res = await fetch(`${lambda().url}/throw-after-write`, { headers: { 'x-checkpoint': id } });
    const reader = res.body!.getReader();

    expect(res.status).toBe(200);
    expect(await readAtLeast(reader, 'data: partial\n\n'.length)).toBe('data: partial\n\n');
    checkpoints().release(`${id}:first-event-written`);
    await expect(readRest(reader)).rejects.toThrow();
  });

  it('streams without a prelude as a 200 with the content type from setContentType', async () => {
    const res = await fetch(`${lambda().url}/plain`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('no prelude');
  });

  it('loses status and headers when the handler calls end(body) without a write (runtime client issue #97)', async () => {
    const res = await fetch(`${lambda().url}/end-with-body-only`);

    expect(res.status).toBe(502);
    expect(res.headers.get('x-fixture')).toBeNull();
  });

  it('keeps the handler running, untold, after the client disconnects, then serves the next request', async () => {
    const id = randomUUID();
    const abort = new AbortController();
    const res = await fetch(`${lambda().url}/disconnect`, { headers: { 'x-checkpoint': id }, signal: abort.signal });
    const reader = res.body!.getReader();
    expect(await readAtLeast(reader, 'data: 1\n\n'.length)).toBe('data: 1\n\n');
    const record = lambda().invocations.at(-1)!;

    abort.abort();
    await expect(record.client).resolves.toBe('disconnected');
    checkpoints().release(`${id}:first-event-written`);

    expect(JSON.parse(await checkpoints().reached(`${id}:handler-finished`))).toEqual({ closeBeforeEnd: false, error: false });
    checkpoints().release(`${id}:handler-finished`);
    await expect(record.outcome).resolves.toEqual({ kind: 'streamed' });
    expect((await fetch(`${lambda().url}/plain`)).status).toBe(200);
  });
});

describe('a streaming handler when the front resets the runtime stream on client disconnect', () => {
  const { lambda } = fixtureLambda({ onClientDisconnect: 'close-runtime-stream' });

  it('crashes the runtime client, which is why the front keeps reading by default', async () => {
    const abort = new AbortController();
    const res = await fetch(`${lambda().url}/disconnect`, { headers: { 'x-checkpoint': randomUUID() }, signal: abort.signal });
    expect(await readAtLeast(res.body!.getReader(), 'data: 1\n\n'.length)).toBe('data: 1\n\n');

    abort.abort();

    await expect(lambda().exited).resolves.toMatch(/^runtime exited \(code 1/);
    expect(lambda().output()).toContain('socket hang up');
    expect((await fetch(`${lambda().url}/plain`)).status).toBe(502);
  });
});

describe('a buffered handler under aws-lambda-ric', () => {
  const { lambda } = fixtureLambda({ handler: 'index.bufferedHandler' });

  it.each([
    { returned: 'a shaped result', path: '/shaped', status: 202, contentType: 'text/plain', body: 'accepted' },
    { returned: 'a bare object', path: '/object', status: 200, contentType: 'application/json', body: '{"hello":"world"}' },
    { returned: 'a bare string', path: '/string', status: 200, contentType: 'application/json', body: '"just a string"' },
  ])('answers $returned like a function URL', async ({ path, status, contentType, body }) => {
    const res = await fetch(`${lambda().url}${path}`);

    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(contentType);
    expect(await res.text()).toBe(body);
  });

  it('keeps headers and cookies of a shaped result', async () => {
    const res = await fetch(`${lambda().url}/shaped`);

    expect(res.headers.get('x-fixture')).toBe('buffered');
    expect(res.headers.getSetCookie()).toEqual(['id=42']);
  });

  it('decodes a base64 result body', async () => {
    const body = randomBytes(1024);
    const res = await fetch(`${lambda().url}/binary`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });

    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it('answers 502 when the handler throws', async () => {
    const res = await fetch(`${lambda().url}/throw`);

    expect(res.status).toBe(502);
    await expect(lambda().invocations.at(-1)!.outcome).resolves.toEqual({
      kind: 'failed',
      error: { errorType: 'TypeError', errorMessage: 'buffered handler failed' },
    });
  });
});

describe('starting the runtime', () => {
  it('fails with the init error and the runtime output when the handler export is missing', async () => {
    await expect(runUnderRic({ taskRoot: bundle.taskRoot, handler: 'index.missing' })).rejects.toThrow(
      /init error: Runtime\.HandlerNotFound[\s\S]*runtime output/,
    );
  });
});
