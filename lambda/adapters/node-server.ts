import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GatewayError } from '../domain/errors.js';
import { renderError } from '../core/render-error.js';
import { surfaceOf, type Gateway } from '../core/index.js';

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
  const server = createServer(createNodeListener(options.gateway));
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
  const path = req.url ?? '/';
  let response: Response;
  const body = await readBody(req);
  if (body === undefined) {
    response = renderError(new GatewayError(413, 'request_too_large', `The request body exceeds ${MAX_REQUEST_BYTES} bytes.`, { code: 'request_too_large' }), surfaceOf(path));
    res.setHeader('connection', 'close');
  } else {
    const method = req.method ?? 'GET';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${path}`, {
      method,
      headers: toHeaders(req),
      ...(method !== 'GET' && method !== 'HEAD' ? { body: body as unknown as BodyInit } : {}),
      signal,
    });
    response = await gateway(request, { requestId: randomUUID(), receivedAt, reportsDisconnect: true });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
}

/** Reads the whole body (SigV4 signs its hash), or undefined once it passes the size limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}
