/**
 * The bench's floor: the least a signing proxy in front of Mantle can do in Node. It reads the body, swaps the
 * model, signs with SigV4 (cached key) and pipes the answer back, over a keep-alive agent. Nothing else: no routing
 * table, no validation, no error envelopes, no logging. Its added latency is the bar the gateway is held to.
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FloorSigner, type FloorCredentials } from './floor-sigv4.js';

export interface FloorProxyOptions {
  /** e.g. `http://127.0.0.1:4010` */
  readonly upstream: string;
  readonly region: string;
  readonly credentials: FloorCredentials;
  /** Gateway model id to upstream model id. */
  readonly models: Readonly<Record<string, string>>;
}

export interface FloorProxy {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startFloorProxy(options: FloorProxyOptions): Promise<FloorProxy> {
  const upstream = new URL(options.upstream);
  const signer = new FloorSigner(options.credentials, options.region);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const server = createServer((req, res) => {
    readAll(req).then((raw) => {
      const body = swapModel(raw, options.models);
      const path = req.url ?? '/';
      const headers = { 'content-type': 'application/json', 'content-length': String(body.length), ...signer.sign({ method: req.method ?? 'POST', host: upstream.host, path, body }) };
      const upstreamRequest = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstreamRequest.on('error', () => res.destroy());
      res.on('close', () => upstreamRequest.destroy());
      upstreamRequest.end(body);
    }, () => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function swapModel(raw: Buffer, models: Readonly<Record<string, string>>): Buffer {
  const parsed = JSON.parse(raw.toString('utf8')) as { model?: string };
  const upstreamModel = parsed.model !== undefined ? models[parsed.model] : undefined;
  if (upstreamModel !== undefined) parsed.model = upstreamModel;
  return Buffer.from(JSON.stringify(parsed));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
