import { connect } from 'node:net';
import fc from 'fast-check';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { allUpstreamRequests, simulator, startE2E } from '../support/e2e.js';

/**
 * Properties of the gateway over generated requests, against the local server and the Mantle simulator:
 * - a hostile request (malformed body, wrong types, no model, unknown path or method, a response id with path
 *   characters, control characters or oversized headers) gets a 4xx in the caller's API envelope, and no
 *   upstream call;
 * - a valid one reaches Mantle byte for byte, except for the value of `model`.
 * Runs are bounded (and seeded by fast-check, which prints the seed of a failure to replay it).
 */
let env: DemoEnvironment;
let host: string;
let port: number;

beforeAll(async () => {
  env = await startE2E();
  const url = new URL(env.gateway.url);
  host = url.hostname;
  port = Number(url.port);
});
afterAll(() => env.close());

interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly why: string;
}

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends exactly these bytes (a fetch client would refuse or repair the hostile ones) and reads the answer. */
function send(request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s (${request.why})`));
    }, 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    const head = [`${request.method} ${request.target} HTTP/1.1`, `host: ${host}:${port}`, 'connection: close'];
    for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
    head.push(`content-length: ${request.body.length}`);
    socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), request.body]));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  let body = split < 0 ? '' : text.slice(split + 4);
  if (/\r\ntransfer-encoding: chunked/i.test(head)) body = dechunk(body);
  return { status, body };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

const JSON_HEADERS = [['content-type', 'application/json']] as const;
const INFERENCE_PATHS = ['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/messages/count_tokens', '/openai/v1/chat/completions', '/anthropic/v1/messages'];
const MODELS = ['gpt-oss-120b', 'gpt-55-bedrock', 'claude-opus-4-7', 'qwen3-32b'];

const inferencePath = fc.constantFrom(...INFERENCE_PATHS);
const post = (target: string, body: string | Buffer, why: string, headers: ReadonlyArray<readonly [string, string]> = JSON_HEADERS): RawRequest => ({
  method: 'POST',
  target,
  headers,
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  why,
});

const notJson = fc.string({ maxLength: 60 }).filter((text) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
});
const invalidUtf8 = fc.constantFrom([0xff], [0xfe, 0xff], [0xc3], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 }), fc.constant(''));
const notAnObject = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }));
const caseVariant = fc.constantFrom('MODEL', 'Model', 'mOdel', 'modeL');
const unknownSegment = fc.stringMatching(/^[a-z_]{1,12}$/).filter((segment) => !['chat', 'responses', 'messages', 'models'].includes(segment));
const hostileId = fc.constantFrom('../admin', '..%2F..%2Fmodels', 'resp_abc%2F..', 'resp_%00abc', '%00', 'resp_abc/../../v1/models', 'resp_%2e%2e', '..', 'resp_' + 'a'.repeat(300), 'resp_é');
const controlChar = fc.integer({ min: 0, max: 31 }).filter((code) => code !== 9 && code !== 10 && code !== 13).map((code) => String.fromCharCode(code));

const hostile: fc.Arbitrary<RawRequest> = fc.oneof(
  fc.tuple(inferencePath, notJson).map(([path, text]) => post(path, text, 'invalid JSON')),
  fc.tuple(inferencePath, fc.constantFrom(...MODELS), invalidUtf8).map(([path, model, bytes]) =>
    post(path, Buffer.concat([Buffer.from(`{"model":"${model}","messages":[{"role":"user","content":"a`), Buffer.from(bytes), Buffer.from('"}],"input":"x","max_tokens":5}')]), 'invalid UTF-8')),
  fc.tuple(inferencePath, notAString).map(([path, model]) => post(path, JSON.stringify({ model, messages: [], input: 'x' }), 'model not a non-empty string')),
  fc.tuple(inferencePath, notAnObject).map(([path, body]) => post(path, JSON.stringify(body), 'body not an object')),
  fc.tuple(inferencePath, fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/).filter((key) => key !== 'model'), fc.jsonValue(), { maxKeys: 3 })).map(([path, body]) => post(path, JSON.stringify(body), 'no model')),
  fc.tuple(inferencePath, fc.constantFrom(...MODELS), caseVariant).map(([path, model, key]) => post(path, `{"model":"${model}","${key}":"openai.gpt-5.5","messages":[],"input":"x"}`, 'case variant of model')),
  fc.tuple(fc.constantFrom('/v1/', '/openai/v1/', '/anthropic/v1/', '/'), unknownSegment).map(([prefix, segment]) => post(`${prefix}${segment}`, '{}', 'unknown path')),
  fc.tuple(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE'), inferencePath).map(([method, target]) => ({ method, target, headers: [], body: Buffer.alloc(0), why: 'wrong method' })),
  fc.tuple(fc.constantFrom('GET', 'DELETE', 'POST'), hostileId, fc.boolean()).map(([method, id, cancel]) => ({
    method: cancel ? 'POST' : method,
    target: `/v1/responses/${id}${cancel ? '/cancel' : ''}`,
    headers: [],
    body: Buffer.alloc(0),
    why: 'hostile response id',
  })),
  fc.tuple(inferencePath, controlChar, fc.constantFrom('x-custom', 'anthropic-version', 'authorization', 'openai-project')).map(([path, char, name]) =>
    post(path, '{"model":"gpt-oss-120b","messages":[]}', 'control character in a header', [...JSON_HEADERS, [name, `a${char}b`]])),
  fc.tuple(inferencePath, fc.integer({ min: 17, max: 40 })).map(([path, kib]) => post(path, '{"model":"gpt-oss-120b","messages":[]}', 'oversized header', [...JSON_HEADERS, ['x-padding', 'p'.repeat(kib * 1024)]])),
);

function expectEnvelope(request: RawRequest, response: RawResponse): void {
  const json = JSON.parse(response.body) as Record<string, any>;
  if (json['type'] === 'error') expect(json['error']).toMatchObject({ type: expect.any(String), message: expect.any(String) });
  else expect(json['error']).toMatchObject({ message: expect.any(String) });
  // Messages callers read Anthropic's envelope, the others OpenAI's.
  if (/\/v1\/messages(\/|$)/.test(request.target)) expect(json['type']).toBe('error');
}

describe('hostile requests, by property', () => {
  it('get a 4xx in the caller\'s envelope and cause no upstream call', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (request) => {
        const before = allUpstreamRequests(env).length;
        const response = await send(request);
        expect({ why: request.why, status: response.status >= 400 && response.status < 500 }).toEqual({ why: request.why, status: true });
        expectEnvelope(request, response);
        expect(allUpstreamRequests(env).length).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('a body over the function URL limit gets 413 and no upstream call', async () => {
    const before = allUpstreamRequests(env).length;
    const response = await send(post('/v1/chat/completions', `{"model":"gpt-oss-120b","messages":[],"pad":"${'x'.repeat(6 * 1024 * 1024)}"}`, 'too large'));
    expect(response.status).toBe(413);
    expect(allUpstreamRequests(env).length).toBe(before);
  });
});

/** JSON object members other than model, with keys that neither name the model nor change what the route must serve. */
const RESERVED = new Set(['model', 'messages', 'input', 'stream', 'stream_options', 'tools', 'functions', 'response_format', 'text', 'max_tokens', 'thinking', 'output_config']);
const extraMembers = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((key) => !RESERVED.has(key.toLowerCase()) && key.toLowerCase() !== 'model'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

interface Valid {
  readonly path: string;
  readonly region: string;
  readonly model: string;
  readonly upstreamModel: string;
  readonly fixed: Record<string, unknown>;
}

const VALID: Valid[] = [
  { path: '/v1/chat/completions', region: 'us-east-2', model: 'gpt-oss-120b', upstreamModel: 'openai.gpt-oss-120b', fixed: { messages: [{ role: 'user', content: 'hi' }] } },
  { path: '/v1/messages', region: 'us-east-2', model: 'claude-opus-4-7', upstreamModel: 'anthropic.claude-opus-4-7', fixed: { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] } },
  { path: '/v1/responses', region: 'us-east-2', model: 'gpt-55-bedrock', upstreamModel: 'openai.gpt-5.5', fixed: { input: 'hi' } },
];

describe('valid requests, by property', () => {
  it('reach Mantle byte for byte, except for the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID), extraMembers, fc.integer({ min: 0, max: 3 }), async (valid, extra, indent) => {
        // The model first, then whatever else, serialized with the spacing drawn: escapes, numbers and order as generated.
        const text = JSON.stringify({ model: valid.model, ...valid.fixed, ...extra }, null, indent);
        const expected = text.replace(JSON.stringify(valid.model), JSON.stringify(valid.upstreamModel));
        const sim = simulator(env, valid.region);
        const before = allUpstreamRequests(env).length;
        const response = await fetch(`${env.gateway.url}${valid.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: text,
        });
        await response.arrayBuffer();
        expect(allUpstreamRequests(env).length).toBe(before + 1);
        expect(sim.requests.at(-1)!.body).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});
