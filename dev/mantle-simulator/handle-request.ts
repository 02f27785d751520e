/**
 * One request, start to finish: read, authenticate, record, apply a fault, route, answer. Errors a handler
 * raises on purpose become the path's error envelope; anything unexpected becomes a 500, never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, jsonAnswer } from './answers.js';
import { benchStreamSpec } from './bench-stream.js';
import type { Answer } from './answers.js';
import type { ModelCatalog } from './catalog.js';
import { authenticate } from './authenticate.js';
import type { AuthPolicy } from './authenticate.js';
import { isRecord } from './request-fields.js';
import { SimulatorError, envelopeForPath, faultError, invalidJson, notFound, renderError } from './errors.js';
import type { Envelope } from './errors.js';
import { deliveryFor } from './faults.js';
import type { DeliveryControl, FaultQueue } from './faults.js';
import { newRequestId } from './ids.js';
import { matchRoute, takesJsonBody } from './router.js';
import type { Route } from './router.js';
import { cutBySimulator, cutConnection, pause } from './sse.js';
import { createChatCompletion } from './surfaces/chat.js';
import { countTokens, createMessage } from './surfaces/messages.js';
import type { ResponsesSurface } from './surfaces/responses.js';
import type { Fault, RecordedRequest } from './types.js';

/** Lambda caps requests at 6 MB; anything far beyond that is a client bug, answered with 413. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Everything one simulator instance shares between requests. */
export interface SimulatorState {
  policy: AuthPolicy;
  catalog: ModelCatalog;
  faults: FaultQueue;
  responses: ResponsesSurface;
  requests: RecordedRequest[];
  pacingMs: number;
  /** SimulatorOptions.benchStreamModel */
  benchStreamModel?: string;
}

interface ReceivedBody {
  body: Buffer;
  tooLarge: boolean;
}

export async function handleRequest(state: SimulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  res.setHeader('x-amzn-requestid', requestId);
  // Aborts pacing, fault delays and pending writes once the client (or close()) drops the connection.
  const controller = new AbortController();
  let recorded: RecordedRequest | undefined;
  res.on('close', () => {
    controller.abort();
    if (recorded && !res.writableFinished && !cutBySimulator.has(res)) recorded.abortedByClient = true;
  });
  const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
  const exchange: Exchange = {
    rawPath,
    rawQuery,
    envelope: envelopeForPath(rawPath),
    requestId,
    delivery: { pacingMs: state.pacingMs },
    onRecorded: (request) => (recorded = request),
  };
  let answer: Answer | undefined;
  try {
    answer = await answerRequest(state, req, res, exchange, controller.signal);
  } catch (error) {
    answer = errorAnswer(exchange, error);
  }
  if (!answer) return;
  try {
    await deliver(res, answer, exchange.delivery, controller.signal);
  } catch {
    // Too late for a status: end the connection so the client sees a truncated answer rather than a hang.
    res.destroy();
  }
}

interface Exchange {
  rawPath: string;
  rawQuery: string;
  envelope: Envelope;
  requestId: string;
  /** Pacing, plus the cut or stall of the fault this request consumed. */
  delivery: DeliveryControl;
  onRecorded: (request: RecordedRequest) => void;
}

/** Produces the answer, or `undefined` when the client went away before there was anyone to answer. */
async function answerRequest(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  exchange: Exchange,
  signal: AbortSignal,
): Promise<Answer | undefined> {
  const method = req.method ?? 'GET';
  const { rawPath, rawQuery } = exchange;
  const headers = flattenHeaders(req);
  const { body, tooLarge } = await readBody(req);
  const auth = await authenticate({ method, rawPath, rawQuery, headers, body }, state.policy);
  const { region, identity } = auth;
  const recorded: RecordedRequest = { method, path: rawPath, query: rawQuery, headers, body: body.toString('utf8'), region, identity, abortedByClient: false };
  state.requests.push(recorded);
  exchange.onRecorded(recorded);
  if (signal.aborted) return undefined;
  if (tooLarge) throw new SimulatorError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (auth.rejection) {
    const { status, message, code } = auth.rejection;
    throw new SimulatorError(status, message, { code });
  }

  const fault = state.faults.take(rawPath, peekModel(body));
  exchange.delivery = deliveryFor(state.pacingMs, fault);
  if (fault?.drop) {
    cutConnection(res);
    return undefined;
  }
  if (fault?.delayMs && !(await pause(fault.delayMs, signal))) return undefined;
  if (fault?.status !== undefined) return faultAnswer(fault, fault.status, exchange);

  const route = matchRoute(method, rawPath);
  if (!route) throw notFound(method, rawPath);
  return routeAnswer(state, route, takesJsonBody(route) ? parseJsonObject(body) : {}, headers);
}

function routeAnswer(
  state: SimulatorState,
  route: Route,
  body: Record<string, unknown>,
  headers: Record<string, string>,
): Answer {
  switch (route.kind) {
    case 'chat':
      if (state.benchStreamModel !== undefined && body['model'] === state.benchStreamModel) {
        return { kind: 'bench', spec: benchStreamSpec(body, state.benchStreamModel) };
      }
      return createChatCompletion(body, route.basePath, state.catalog);
    case 'responses.create':
      return state.responses.create(body, route.basePath);
    case 'responses.get':
      return state.responses.retrieve(route.id);
    case 'responses.delete':
      return state.responses.remove(route.id);
    case 'responses.cancel':
      return state.responses.cancel(route.id);
    case 'messages':
      return createMessage(body, headers, state.catalog);
    case 'messages.count_tokens':
      return countTokens(body, headers, state.catalog);
    case 'models':
      return jsonAnswer(state.catalog.list());
  }
}

function faultAnswer(fault: Fault, status: number, exchange: Exchange): Answer {
  const body = fault.body ?? renderError(exchange.envelope, faultError(status), exchange.requestId);
  return { kind: 'json', status, body, headers: { ...fault.headers } };
}

function errorAnswer(exchange: Exchange, error: unknown): Answer {
  if (!(error instanceof SimulatorError)) {
    // A bug in the simulator, not a scripted answer: say so loudly, or a test would only see an unexplained 500.
    process.stderr.write(`mantle-simulator: internal error on ${exchange.rawPath}: ${String(error)}\n`);
  }
  const failure =
    error instanceof SimulatorError
      ? error
      : new SimulatorError(500, 'The server had an error while processing your request.');
  return jsonAnswer(renderError(exchange.envelope, failure, exchange.requestId), failure.status);
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw invalidJson(error instanceof Error ? error.message : 'invalid JSON');
  }
  if (!isRecord(parsed)) throw invalidJson('expected a JSON object');
  return parsed;
}

/** The body's `model`, for fault matching only; a body that is not JSON simply has none. */
function peekModel(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isRecord(parsed) && typeof parsed['model'] === 'string' ? parsed['model'] : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Reads the whole body (SigV4 covers its hash). Past the limit it keeps draining so the client can still read
 * the 413; a client that disconnects mid-upload resolves with what arrived.
 */
function readBody(req: IncomingMessage): Promise<ReceivedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const finish = (): void => resolve({ body: Buffer.concat(chunks), tooLarge });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', finish);
    req.once('error', finish);
    req.once('close', finish);
  });
}
