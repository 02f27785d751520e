/**
 * A browser sends a CORS preflight listing every request header that is neither CORS-safelisted nor set by the
 * browser itself, and the function URL refuses the request unless its CORS config allows each one. So the
 * allowed headers are checked against what the official SDKs really send: each SDK, configured as in a browser
 * (`dangerouslyAllowBrowser`), calls a loopback server that records the request headers. When an SDK release adds
 * a header, this test fails until the stack allows it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { buildTestGateway } from './fixtures.js';

/** Set by the browser (the Fetch standard's forbidden request headers); scripts cannot send them. */
const FORBIDDEN = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method', 'connection',
  'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive', 'origin', 'referer',
  'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);
/** CORS-safelisted request headers: never in a preflight (content-type only with a form or text/plain type). */
const SAFELISTED = new Set(['accept', 'accept-language', 'content-language']);
const SAFELISTED_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The headers of a request that a browser would name in `Access-Control-Request-Headers`. */
function preflightHeaders(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers).filter((name) => {
    if (FORBIDDEN.has(name) || name.startsWith('proxy-') || name.startsWith('sec-') || SAFELISTED.has(name)) return false;
    if (name === 'content-type') return !SAFELISTED_CONTENT_TYPES.has(String(headers[name]).split(';')[0]!.trim().toLowerCase());
    return true;
  });
}

let server: Server;
let baseUrl: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // Every call gets an API error: the SDKs have sent their headers by then, and nothing retries (maxRetries: 0).
  server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'recorded' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The preflight headers of every request `calls` made, with the call that sent each. */
async function capture(calls: Record<string, () => Promise<unknown>>): Promise<Map<string, Set<string>>> {
  const byHeader = new Map<string, Set<string>>();
  for (const [call, run] of Object.entries(calls)) {
    received.length = 0;
    await run().catch(() => undefined);
    if (received.length === 0) throw new Error(`${call} sent no request`);
    for (const headers of received) {
      for (const name of preflightHeaders(headers)) byHeader.set(name, (byHeader.get(name) ?? new Set()).add(call));
    }
  }
  return byHeader;
}

const CHAT = { model: 'gpt-oss-120b', messages: [{ role: 'user' as const, content: 'hi' }] };
const MESSAGE = { model: 'claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };

function openaiCalls(): Record<string, () => Promise<unknown>> {
  const openai = new OpenAI({
    baseURL: `${baseUrl}/v1`,
    apiKey: 'sk-browser',
    organization: 'org-example',
    project: 'proj_example',
    dangerouslyAllowBrowser: true,
    maxRetries: 0,
  });
  return {
    'openai chat.completions.create': () => openai.chat.completions.create(CHAT),
    'openai chat.completions.create stream': () => openai.chat.completions.create({ ...CHAT, stream: true }),
    'openai chat.completions.stream': () => openai.chat.completions.stream(CHAT).finalChatCompletion(),
    'openai chat.completions.parse': () => openai.chat.completions.parse(CHAT),
    'openai chat.completions.runTools': () =>
      openai.chat.completions
        .runTools({ ...CHAT, tools: [{ type: 'function', function: { name: 'f', description: 'f', parameters: {}, function: () => '' } }] })
        .finalChatCompletion(),
    'openai responses.create': () => openai.responses.create({ model: 'gpt-oss-120b', input: 'hi' }),
    'openai responses.stream': () => openai.responses.stream({ model: 'gpt-oss-120b', input: 'hi' }).finalResponse(),
    'openai responses.retrieve': () => openai.responses.retrieve('resp_1', { include: ['reasoning.encrypted_content'] }),
    'openai responses.cancel': () => openai.responses.cancel('resp_1'),
    'openai responses.delete': () => openai.responses.delete('resp_1'),
    'openai models.list': () => openai.models.list(),
    'openai request with a timeout': () => openai.chat.completions.create(CHAT, { timeout: 30_000 }),
    'openai models.retrieve': () => openai.models.retrieve('gpt-oss-120b'),
  };
}

function anthropicCalls(): Record<string, () => Promise<unknown>> {
  const withKey = new Anthropic({ baseURL: baseUrl, apiKey: 'sk-ant-browser', dangerouslyAllowBrowser: true, maxRetries: 0 });
  const withToken = new Anthropic({ baseURL: baseUrl, authToken: 'gateway-token', dangerouslyAllowBrowser: true, maxRetries: 0 });
  return {
    'anthropic messages.create': () => withKey.messages.create(MESSAGE),
    'anthropic messages.create stream': () => withKey.messages.create({ ...MESSAGE, stream: true }),
    'anthropic messages.stream': () => withKey.messages.stream(MESSAGE).finalMessage(),
    'anthropic messages.countTokens': () => withKey.messages.countTokens({ model: MESSAGE.model, messages: MESSAGE.messages }),
    'anthropic beta.messages.create': () => withKey.beta.messages.create({ ...MESSAGE, betas: ['context-1m-2025-08-07'] }),
    'anthropic beta.messages.toolRunner': () =>
      withKey.beta.messages
        .toolRunner({ ...MESSAGE, tools: [{ name: 'f', description: 'f', input_schema: { type: 'object' }, run: () => '' }] })
        .runUntilDone(),
    'anthropic models.list': () => withKey.models.list(),
    'anthropic authToken messages.create': () => withToken.messages.create(MESSAGE),
  };
}

interface UrlCors {
  readonly AllowHeaders: string[];
  readonly ExposeHeaders?: string[];
}

async function synthesizedCors(): Promise<UrlCors> {
  const template = (await buildTestGateway({ corsOrigins: 'https://chat.example.com' })).template();
  const url = Object.values(template.findResources('AWS::Lambda::Url'))[0] as { Properties: { Cors: UrlCors } };
  return url.Properties.Cors;
}

describe('function URL CORS and the official SDKs in a browser', () => {
  let cors: UrlCors;
  let allowed: string[];
  beforeAll(async () => {
    cors = await synthesizedCors();
    allowed = cors.AllowHeaders;
  });

  it.each([
    ['openai', openaiCalls],
    ['@anthropic-ai/sdk', anthropicCalls],
  ])('allows every header %s sends, for each call a browser app makes', async (_sdk, calls) => {
    const sent = await capture(calls());
    const allowedLower = new Set(allowed.map((name) => name.toLowerCase()));
    const refused = [...sent].filter(([name]) => !allowedLower.has(name)).map(([name, by]) => `${name} (${[...by][0]})`);
    expect(refused).toEqual([]);
    expect(sent.size).toBeGreaterThan(5); // the capture itself works: the SDKs' own headers were seen
  });

  it('allows the SigV4 headers an iam-mode browser caller signs with', () => {
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']));
  });

  it('lists headers explicitly, within the function URL limits (100 names of at most 1,024 characters)', () => {
    // A `*` would not cover `authorization` (the Fetch standard excludes it from the wildcard).
    expect(allowed).not.toContain('*');
    expect(allowed.length).toBeLessThanOrEqual(100);
    expect(allowed.every((name) => name.length > 0 && name.length <= 1024 && name === name.toLowerCase())).toBe(true);
    expect(new Set(allowed).size).toBe(allowed.length);
  });

  it('lets the SDKs read request ids and retry hints from answers (exposed response headers)', () => {
    expect(cors.ExposeHeaders).toEqual(expect.arrayContaining(['x-request-id', 'request-id', 'retry-after', 'retry-after-ms', 'x-should-retry']));
  });
});
