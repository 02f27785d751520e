import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Answer } from '../domain/answer.js';
import { ClientClosedRequestError, GatewayError, InvalidRequestError } from '../domain/errors.js';
import type { Gateway, Invocation } from '../core/index.js';
import { answerRefusal, toInboundRequest } from './inbound-request.js';
import { answerSocketLevelErrors } from './socket-errors.js';
import { writeAnswer } from './write-answer.js';

/** A function URL accepts at most 6 MB; the local server holds callers to the same limit. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  readonly gateway: Gateway;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
}

/** Serves the gateway over HTTP for local runs, the demo and tests. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  // A missing Host is answered by the listener, in the API envelope, rather than by node with an empty 400.
  const server = createServer({ requireHostHeader: false }, createNodeListener(options.gateway));
  answerSocketLevelErrors(server, options.gateway);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Converts node:http to the web-standard gateway and back, aborting the upstream call when the caller leaves. */
export function createNodeListener(gateway: Gateway): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const receivedAt = performance.now();
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    handle(gateway, req, res, controller.signal, receivedAt).catch(() => res.destroy());
  };
}

async function handle(gateway: Gateway, req: IncomingMessage, res: ServerResponse, signal: AbortSignal, receivedAt: number): Promise<void> {
  const target = req.url ?? '/';
  const invocation: Invocation = { requestId: randomUUID(), receivedAt, reportsDisconnect: true };
  let response: Answer;
  try {
    response = await respond(gateway, req, signal, invocation);
  } catch (error) {
    response = await answerRefusal(gateway, error, target, signal, invocation);
    // The rest of the request (a body not read, a message not understood) cannot be trusted on this connection.
    res.setHeader('connection', 'close');
  }
  await writeAnswer(res, response);
}

/** Checks the request line and Host before reading the body, then hands a web Request to the gateway. */
async function respond(gateway: Gateway, req: IncomingMessage, signal: AbortSignal, invocation: Invocation): Promise<Answer> {
  const target = req.url ?? '/';
  // Absolute-form is for proxies and asterisk-form for server-wide OPTIONS; the gateway serves paths only.
  if (!target.startsWith('/')) throw new InvalidRequestError('The request target must be a path (origin-form, starting with /).', { code: 'invalid_path' });
  const host = requestHost(req);
  const body = await readBody(req);
  if (body === undefined) {
    throw new GatewayError(413, 'request_too_large', `The request body exceeds ${MAX_REQUEST_BYTES} bytes.`, { code: 'request_too_large' });
  }
  const request = toInboundRequest({ method: req.method ?? 'GET', url: `http://${host}${target}`, headers: headerPairs(req.rawHeaders), body, signal });
  return gateway(request, invocation);
}

/**
 * RFC 9112 section 3.2: an HTTP/1.1 request needs exactly one valid Host. A Host such as `a/b` would also move the
 * path the gateway sees, so only a host name or address with an optional port passes.
 */
function requestHost(req: IncomingMessage): string {
  let count = 0;
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]!.toLowerCase() === 'host') count++;
  }
  const host = req.headers.host;
  if (host === undefined && count === 0 && req.httpVersion === '1.0') return 'localhost';
  if (host === undefined || count !== 1 || !HOST.test(host)) {
    throw new InvalidRequestError('The request needs exactly one Host header holding a host name or address and an optional port.', { code: 'invalid_host' });
  }
  return host;
}

/** reg-name, IPv4 or bracketed IPv6 literal, then an optional port. */
const HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * Reads the whole body (SigV4 signs its hash), or undefined once it passes the size limit. Listeners rather than
 * `for await`: the async iterator cost more per request than reading the one or two chunks a request has.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      // The rest is not read: the answer closes the connection (the caller of respond sets `connection: close`).
      req.pause();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
    // A caller who leaves mid-body: no 'end' will come.
    req.once('close', () => {
      if (!req.complete) reject(new ClientClosedRequestError());
    });
  });
}

function* headerPairs(raw: readonly string[]): Iterable<readonly [string, string]> {
  for (let index = 0; index < raw.length; index += 2) yield [raw[index]!, raw[index + 1]!];
}
