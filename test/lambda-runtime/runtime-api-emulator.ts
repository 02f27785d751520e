/**
 * An emulator of the Lambda Runtime API (the interface `aws-lambda-ric` talks to) that is also
 * the function URL in front of the function, in RESPONSE_STREAM invoke mode.
 *
 * Two loopback servers: the Runtime API (`AWS_LAMBDA_RUNTIME_API` points at it) and the function
 * URL front. Each front request becomes a payload-format-2.0 event, waits in a queue for the
 * runtime's `GET /next`, and the runtime's response (streamed or buffered) goes back to the client.
 * One invocation at a time, like one Lambda execution environment.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { readRequestBody, RequestTooLargeError, toFunctionUrlEvent, type FunctionUrlIdentity } from './function-url-event.js';
import { StreamedResponseRelay, writeBadGateway, writeBufferedResult } from './function-url-response.js';
import { verifyFunctionUrlCaller, type FunctionUrlIam } from '../support/iam-function-url.js';

const API = '/2018-06-01/runtime';
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

/**
 * What the front does with the runtime's response stream when the HTTP client disconnects.
 * - `keep-running`: keep reading and discard the bytes; the function is not told and runs to the
 *   end. This is what production does (runtime client issue #145: no `close` on the stream).
 * - `close-runtime-stream`: reset the runtime's response connection. aws-lambda-ric 4.0.2 does not
 *   survive this: its response request rejects a promise nobody awaits ("socket hang up") and
 *   Node 22 exits on the unhandled rejection. Kept to show why production cannot do it.
 */
export type ClientDisconnectPolicy = 'keep-running' | 'close-runtime-stream';

export interface RuntimeApiEmulatorOptions {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 'mantle-gateway' */
  readonly functionName?: string;
  /** Account in the invoked function ARN. @default '123456789012' */
  readonly accountId?: string;
  /** Sets `lambda-runtime-deadline-ms` (not enforced). @default 900_000 */
  readonly timeoutMs?: number;
  /** @default 'keep-running' */
  readonly onClientDisconnect?: ClientDisconnectPolicy;
  /**
   * Auth type `AWS_IAM`: the front verifies each request's SigV4 signature (service `lambda`, payload hash
   * included) against these identities, answers 403 like a function URL when it fails, and reports the caller in
   * `requestContext.authorizer.iam`. @default auth type NONE
   */
  readonly iam?: FunctionUrlIam;
}

/** An error the runtime reported: `errorType` from the header or trailer, the rest from the body. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
}

export type InvocationOutcome =
  | { readonly kind: 'streamed'; readonly error?: FunctionError }
  | { readonly kind: 'buffered'; readonly payload: string }
  | { readonly kind: 'failed'; readonly error: FunctionError }
  | { readonly kind: 'lost'; readonly reason: string };

/** One request through the function URL, for assertions and diagnostics. */
export interface InvocationRecord {
  readonly requestId: string;
  readonly event: LambdaFunctionURLEvent;
  /** How the runtime finished the invocation. */
  readonly outcome: Promise<InvocationOutcome>;
  /** `disconnected` when the client went away before its response was complete. */
  readonly client: Promise<'completed' | 'disconnected'>;
}

export interface RuntimeApiEmulator {
  /** `host:port` for `AWS_LAMBDA_RUNTIME_API`. */
  readonly runtimeApi: string;
  /** Base URL of the function URL front, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly invocations: readonly InvocationRecord[];
  /** Settles on the runtime's first `GET /next`; rejects when it reports an init error. */
  readonly ready: Promise<void>;
  /** The runtime is gone: answer everything queued, running and future with 502. */
  abandon(reason: string): void;
  close(): Promise<void>;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class Invocation implements InvocationRecord {
  readonly #outcome = deferred<InvocationOutcome>();
  readonly #client = deferred<'completed' | 'disconnected'>();
  readonly outcome = this.#outcome.promise;
  readonly client = this.#client.promise;
  settled = false;
  /** The runtime's streaming `POST .../response`, while it is open. */
  runtimeStream: IncomingMessage | undefined;

  constructor(
    readonly requestId: string,
    readonly event: LambdaFunctionURLEvent,
    readonly res: ServerResponse,
  ) {
    res.on('close', () => this.#client.resolve(res.writableFinished ? 'completed' : 'disconnected'));
  }

  settle(outcome: InvocationOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.#outcome.resolve(outcome);
  }
}

/**
 * Starts both servers on loopback (IPv4: the runtime client's curl is built without IPv6).
 *
 * @example
 * const emulator = await startRuntimeApiEmulator({ functionName: 'gw' });
 * // spawn the runtime with AWS_LAMBDA_RUNTIME_API=emulator.runtimeApi, then:
 * await emulator.ready;
 * const res = await fetch(`${emulator.url}/v1/models`);
 */
export async function startRuntimeApiEmulator(options: RuntimeApiEmulatorOptions = {}): Promise<RuntimeApiEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}

class Emulator implements RuntimeApiEmulator {
  readonly invocations: Invocation[] = [];
  readonly #options: Required<Omit<RuntimeApiEmulatorOptions, 'iam'>>;
  readonly #iam: FunctionUrlIam | undefined;
  readonly #identity: FunctionUrlIdentity;
  readonly #queue: Invocation[] = [];
  readonly #running = new Map<string, Invocation>();
  readonly #waiters: ServerResponse[] = [];
  readonly #ready: { promise: Promise<void>; resolve(): void; reject(error: Error): void };
  readonly #runtimeServer: Server;
  readonly #frontServer: Server;
  #gone: string | undefined;
  runtimeApi = '';
  url = '';

  constructor(options: RuntimeApiEmulatorOptions) {
    this.#options = {
      region: options.region ?? 'us-east-1',
      functionName: options.functionName ?? 'mantle-gateway',
      accountId: options.accountId ?? '123456789012',
      timeoutMs: options.timeoutMs ?? 900_000,
      onClientDisconnect: options.onClientDisconnect ?? 'keep-running',
    };
    this.#iam = options.iam;
    this.#identity = { accountId: 'anonymous', urlId: randomBytes(16).toString('hex'), region: this.#options.region };
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    this.#ready = { promise, resolve, reject };
    // Streams may outlive Node's default request timeout (300 s); the runtime keeps its connection.
    this.#runtimeServer = createServer({ requestTimeout: 0, keepAliveTimeout: 600_000 }, (req, res) => this.#onRuntime(req, res));
    this.#frontServer = createServer({ requestTimeout: 0 }, (req, res) => void this.#onFront(req, res));
  }

  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  async listen(): Promise<void> {
    this.runtimeApi = `127.0.0.1:${await listenOn(this.#runtimeServer)}`;
    this.url = `http://127.0.0.1:${await listenOn(this.#frontServer)}`;
  }

  abandon(reason: string): void {
    this.#gone ??= reason;
    this.#ready.reject(new Error(reason));
    for (const inv of [...this.#queue.splice(0), ...this.#running.values()]) this.#fail(inv, { kind: 'lost', reason });
  }

  async close(): Promise<void> {
    this.abandon('emulator closed');
    for (const waiter of this.#waiters.splice(0)) waiter.destroy();
    await Promise.all([closeServer(this.#runtimeServer), closeServer(this.#frontServer)]);
  }

  // ---- function URL front -------------------------------------------------------------------

  async #onFront(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let body: Buffer;
    try {
      body = await readRequestBody(req);
    } catch (error: unknown) {
      const tooLarge = error instanceof RequestTooLargeError;
      if (!res.destroyed) res.writeHead(tooLarge ? 413 : 400, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    const event = toFunctionUrlEvent(req, body, { requestId, now: new Date(), identity: this.#identity });
    if (this.#iam) {
      const verdict = await verifyFunctionUrlCaller(
        { method: event.requestContext.http.method, rawPath: event.rawPath, rawQuery: event.rawQueryString, headers: lowerCaseHeaders(req.rawHeaders), body },
        this.#iam,
      );
      if (!verdict.ok) {
        if (!res.destroyed) res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-requestid': requestId }).end('{"Message":"Forbidden"}');
        return;
      }
      // @types/aws-lambda types the URL event's context without `authorizer`; function URLs with AWS_IAM add it.
      Object.assign(event.requestContext, { authorizer: { iam: verdict.authorizer } });
    }
    const inv = new Invocation(requestId, event, res);
    this.invocations.push(inv);
    if (this.#gone !== undefined) {
      this.#fail(inv, { kind: 'lost', reason: this.#gone });
      return;
    }
    res.on('close', () => this.#onClientClose(inv));
    this.#queue.push(inv);
    this.#dispatch();
  }

  #onClientClose(inv: Invocation): void {
    if (inv.res.writableFinished) return;
    const queued = this.#queue.indexOf(inv);
    if (queued !== -1) {
      this.#queue.splice(queued, 1);
      inv.settle({ kind: 'lost', reason: 'client disconnected before the function started' });
    } else if (this.#options.onClientDisconnect === 'close-runtime-stream') {
      inv.runtimeStream?.destroy();
    }
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#waiters.length > 0) {
      const inv = this.#queue.shift()!;
      const waiter = this.#waiters.shift()!;
      this.#running.set(inv.requestId, inv);
      waiter.writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': inv.requestId,
        'lambda-runtime-deadline-ms': String(Date.now() + this.#options.timeoutMs),
        'lambda-runtime-invoked-function-arn': `arn:aws:lambda:${this.#options.region}:${this.#options.accountId}:function:${this.#options.functionName}`,
        'lambda-runtime-trace-id': traceId(),
      });
      waiter.end(JSON.stringify(inv.event));
    }
  }

  #fail(inv: Invocation, outcome: InvocationOutcome): void {
    this.#running.delete(inv.requestId);
    inv.settle(outcome);
    writeBadGateway(inv.res, inv.requestId);
  }

  // ---- Runtime API ---------------------------------------------------------------------------

  #onRuntime(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === `${API}/invocation/next`) return this.#onNext(res);
    if (req.method === 'POST' && path === `${API}/init/error`) return handleAsync(this.#onInitError(req, res), res);
    const match = req.method === 'POST' ? INVOCATION_PATH.exec(path) : null;
    const inv = match ? this.#running.get(decodeURIComponent(match[1]!)) : undefined;
    if (match === null) return answer(res, 404, { errorType: 'NotFound', errorMessage: `no route ${req.method} ${path}` });
    if (inv === undefined) return answer(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'unknown or finished request id' });
    if (match[2] === 'error') return handleAsync(this.#onInvocationError(inv, req, res), res);
    if (req.headers['lambda-runtime-function-response-mode'] === 'streaming') return this.#onStreamedResponse(inv, req, res);
    return handleAsync(this.#onBufferedResponse(inv, req, res), res);
  }

  #onNext(res: ServerResponse): void {
    this.#ready.resolve();
    this.#waiters.push(res);
    res.on('close', () => {
      const at = this.#waiters.indexOf(res);
      if (at !== -1) this.#waiters.splice(at, 1);
    });
    this.#dispatch();
  }

  async #onInitError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const error = parseFunctionError(req.headers['lambda-runtime-function-error-type'], await readRequestBody(req));
    answer(res, 202, { status: 'OK' });
    this.abandon(`init error: ${error.errorType}: ${error.errorMessage}`);
  }

  async #onInvocationError(inv: Invocation, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const error = parseFunctionError(req.headers['lambda-runtime-function-error-type'], await readRequestBody(req));
    answer(res, 202, { status: 'OK' });
    this.#fail(inv, { kind: 'failed', error });
  }

  async #onBufferedResponse(inv: Invocation, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const payload = (await readRequestBody(req)).toString('utf8');
    answer(res, 202, { status: 'OK' });
    this.#running.delete(inv.requestId);
    inv.settle({ kind: 'buffered', payload });
    writeBufferedResult(inv.res, payload, inv.requestId);
  }

  #onStreamedResponse(inv: Invocation, req: IncomingMessage, res: ServerResponse): void {
    const relay = new StreamedResponseRelay(inv.res, req.headers['content-type'], inv.requestId);
    inv.runtimeStream = req;
    req.on('data', (chunk: Buffer) => {
      if (relay.push(chunk)) return;
      req.pause();
      void relay.drained().then(() => req.resume());
    });
    req.on('end', () => {
      inv.runtimeStream = undefined;
      const errorType = req.trailers['lambda-runtime-function-error-type'];
      const error = errorType === undefined ? undefined : parseErrorTrailer(errorType, req.trailers['lambda-runtime-function-error-body']);
      if (error === undefined) relay.end();
      else relay.fail();
      this.#running.delete(inv.requestId);
      inv.settle(error === undefined ? { kind: 'streamed' } : { kind: 'streamed', error });
      answer(res, 202, { status: 'OK' });
    });
    req.on('close', () => {
      if (req.complete) return;
      inv.runtimeStream = undefined;
      const reason = relay.clientGone ? 'client disconnected; runtime stream closed' : 'runtime closed its response stream';
      this.#fail(inv, { kind: 'lost', reason });
    });
  }
}

/** The headers as the client sent them (the event's copy has the front's x-forwarded-* additions). */
function lowerCaseHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? rawHeaders[i + 1]! : `${headers[name]},${rawHeaders[i + 1]!}`;
  }
  return headers;
}

function parseFunctionError(typeHeader: string | string[] | undefined, body: Buffer): FunctionError {
  let parsed: { errorType?: unknown; errorMessage?: unknown } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // An unparseable body still reports the header's error type.
  }
  const errorType = typeof typeHeader === 'string' ? typeHeader : typeof parsed.errorType === 'string' ? parsed.errorType : 'Unknown';
  return { errorType, errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '' };
}

/** The error body trailer is base64 of the JSON the runtime would post to `/error`. */
function parseErrorTrailer(errorType: string, bodyBase64: string | undefined): FunctionError {
  return parseFunctionError(errorType, Buffer.from(bodyBase64 ?? '', 'base64'));
}

/** A runtime request whose body could not be read (aborted, oversized) gets its connection reset. */
function handleAsync(work: Promise<void>, res: ServerResponse): void {
  work.catch(() => res.destroy());
}

function answer(res: ServerResponse, status: number, body: object): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
