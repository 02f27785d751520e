/**
 * The simulator's HTTP server: plain `node:http` on loopback, one instance per simulated region. It owns the
 * sockets so that `close()` can end everything at once, stalled streams and idle keep-alive connections included.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_MODELS, ModelCatalog } from './catalog.js';
import { FaultQueue } from './faults.js';
import { handleRequest } from './handle-request.js';
import type { SimulatorState } from './handle-request.js';
import { newRequestId } from './ids.js';
import { ResponseStore } from './response-store.js';
import { ResponsesSurface } from './surfaces/responses.js';
import type { Fault, MantleSimulator, RecordedRequest, SimulatorOptions } from './types.js';

/**
 * Starts a simulated Mantle endpoint for one region.
 *
 * @example
 * const sim = await startMantleSimulator({
 *   region: 'us-east-2',
 *   credentials: [{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }],
 *   bearerTokens: ['bedrock-api-key-example'],
 * });
 * const openai = new OpenAI({ apiKey: 'bedrock-api-key-example', baseURL: `${sim.url}/v1` });
 * // ...
 * await sim.close();
 */
export async function startMantleSimulator(options: SimulatorOptions): Promise<MantleSimulator> {
  validateOptions(options);
  const pacingMs = options.pacingMs ?? 0;
  const benchModels = options.benchStreamModel ? [{ id: options.benchStreamModel, surfaces: ['chat' as const], openaiBasePaths: ['/v1' as const] }] : [];
  const catalog = new ModelCatalog([...(options.models ?? DEFAULT_MODELS), ...benchModels]);
  const store = new ResponseStore();
  const state: SimulatorState = {
    policy: { region: options.region, credentials: options.credentials, bearerTokens: options.bearerTokens ?? [] },
    catalog,
    faults: new FaultQueue(),
    responses: new ResponsesSurface(catalog, store, pacingMs),
    requests: [],
    pacingMs,
    ...(options.benchStreamModel ? { benchStreamModel: options.benchStreamModel } : {}),
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handleRequest(state, req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', answerClientError);

  const address = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  // Once listening, a server error (e.g. out of file descriptors) must not crash the test process.
  server.on('error', (error) => process.stderr.write(`mantle-simulator: server error: ${String(error)}\n`));
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatHost(address.address)}:${address.port}`,
    region: options.region,
    get requests(): RecordedRequest[] {
      return state.requests;
    },
    injectFault(fault: Fault): void {
      state.faults.inject(fault);
    },
    clearFaults(): void {
      state.faults.clear();
    },
    close(): Promise<void> {
      closing ??= closeServer(server, sockets, store);
      return closing;
    },
  };
}

function validateOptions(options: SimulatorOptions): void {
  if (typeof options.region !== 'string' || options.region === '') {
    throw new TypeError('SimulatorOptions.region must be a non-empty string');
  }
  if (!Array.isArray(options.credentials)) throw new TypeError('SimulatorOptions.credentials must be an array');
  if (options.pacingMs !== undefined && (!Number.isFinite(options.pacingMs) || options.pacingMs < 0)) {
    throw new RangeError('SimulatorOptions.pacingMs must be a non-negative number');
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Requests Node cannot parse (oversized headers, garbage) never reach the handler; answer them the way a front
 * door would and drop the connection, without disturbing other clients.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\nx-amzn-requestid: ${newRequestId()}\r\n\r\n`,
  );
}

async function closeServer(server: Server, sockets: Set<Socket>, store: ResponseStore): Promise<void> {
  store.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  await closed;
}
