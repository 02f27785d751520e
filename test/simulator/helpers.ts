/**
 * Test helpers for the simulator suite: a simulator with known identities, raw HTTP over loopback (so tests
 * control every header and byte), SigV4 signing with the same library the gateway uses, and SSE parsing.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { startMantleSimulator } from '../../dev/mantle-simulator/index.js';
import type { MantleSimulator, SimulatorCredentials, SimulatorOptions } from '../../dev/mantle-simulator/index.js';

export const REGION = 'us-east-2';
export const API_KEY = 'bedrock-api-key-for-tests';
export const USER: SimulatorCredentials = { accessKeyId: 'AKIASIMTESTUSER00001', secretAccessKey: 'user-secret' };
export const ROLE: SimulatorCredentials = {
  accessKeyId: 'ASIASIMTESTROLE00001',
  secretAccessKey: 'role-secret',
  sessionToken: 'role-session-token',
};

export function startTestSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<MantleSimulator> {
  return startMantleSimulator({ region: REGION, credentials: [USER, ROLE], bearerTokens: [API_KEY], ...overrides });
}

export interface RawRequest {
  method?: string | undefined;
  path: string;
  /** Raw query string without `?`. */
  query?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => any;
}

/** Sends exactly the given headers and body with `node:http` and reads the whole answer. */
export function send(sim: MantleSimulator, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const client = httpRequest(urlFor(sim, req), { method: req.method ?? 'POST', headers: req.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    client.on('error', reject);
    client.end(req.body);
  });
}

export interface SignOptions extends RawRequest {
  credentials?: SimulatorCredentials;
  region?: string;
  service?: string;
  /** Sign without `x-amz-content-sha256` (the verifier then hashes the body itself). */
  omitContentHash?: boolean;
  /** Headers sent but left out of the signature. */
  unsignedHeaders?: string[];
}

/** Signs like the gateway does: `host` set, body hashed, session token added for role credentials. */
export async function signedHeaders(sim: MantleSimulator, options: SignOptions): Promise<Record<string, string>> {
  const url = new URL(sim.url);
  const signer = new SignatureV4({
    service: options.service ?? 'bedrock-mantle',
    region: options.region ?? sim.region,
    credentials: options.credentials ?? USER,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: !options.omitContentHash,
  });
  const signed = await signer.sign({
    method: options.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path,
    query: Object.fromEntries(new URLSearchParams(options.query ?? '')),
    headers: { host: url.host, 'content-type': 'application/json', ...options.headers },
    body: options.body,
  }, { unsignableHeaders: new Set(options.unsignedHeaders ?? []) });
  return signed.headers as Record<string, string>;
}

export async function sendSigned(sim: MantleSimulator, options: SignOptions): Promise<RawResponse> {
  return send(sim, { ...options, headers: await signedHeaders(sim, options) });
}

export function bearer(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...extra };
}

export function anthropicHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...extra };
}

/** A response read as it arrives, for streams that are paced, cut or stalled. */
export interface StreamReader {
  status: number;
  headers: IncomingHttpHeaders;
  text(): string;
  /** Resolves once the received text satisfies `predicate`; rejects if the stream ends first. */
  waitFor(predicate: (text: string) => boolean): Promise<void>;
  /** How the body ended: `end` for a complete response, `error` for a cut connection. */
  finished: Promise<'end' | 'error'>;
  abort(): void;
}

export function openStream(sim: MantleSimulator, req: RawRequest): Promise<StreamReader> {
  return new Promise((resolve, reject) => {
    const client = httpRequest(urlFor(sim, req), { method: req.method ?? 'POST', headers: req.headers ?? {} }, (res) => {
      let text = '';
      const waiters: Array<() => void> = [];
      const finished = new Promise<'end' | 'error'>((settle) => {
        res.on('end', () => settle('end'));
        res.on('error', () => settle('error'));
        res.on('aborted', () => settle('error'));
        res.on('close', () => settle(res.complete ? 'end' : 'error'));
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const wake of waiters.splice(0)) wake();
      });
      const waitFor = async (predicate: (text: string) => boolean): Promise<void> => {
        while (!predicate(text)) {
          const woke = new Promise<'data'>((wake) => waiters.push(() => wake('data')));
          if ((await Promise.race([woke, finished])) !== 'data' && !predicate(text)) {
            throw new Error(`stream finished before the expected data; received: ${text}`);
          }
        }
      };
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        waitFor,
        finished,
        abort: () => client.destroy(),
      });
    });
    client.on('error', reject);
    client.end(req.body);
  });
}

export interface SseMessage {
  event?: string;
  data: string;
}

/** Splits an SSE body into messages (complete ones only). */
export function parseSse(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  for (const block of text.split('\n\n').slice(0, -1)) {
    const message: SseMessage = { data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) message.event = line.slice('event: '.length);
      if (line.startsWith('data: ')) message.data += line.slice('data: '.length);
    }
    messages.push(message);
  }
  return messages;
}

function urlFor(sim: MantleSimulator, req: RawRequest): string {
  return `${sim.url}${req.path}${req.query ? `?${req.query}` : ''}`;
}

export const chatBody = (text: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: text }], ...extra });
