/**
 * The function URL's side of a response: what the client sees for a streamed response, a buffered
 * (returned) result, or a function error. Production behaviour this reproduces:
 *
 * - A streamed response whose content type is `application/vnd.awslambda.http-integration-response`
 *   starts with a JSON prelude (`{statusCode, headers, cookies}`) and 8 NUL bytes; the status line
 *   goes out as soon as the prelude is complete, body bytes are forwarded as they arrive.
 * - Any other streamed content type is a 200 with that content type.
 * - A function error before the status line is a 502; after it, the client gets a truncated body.
 * - A stream that ends without a prelude but with bytes is a 502 (runtime client issue #97:
 *   `end(body)` without an earlier `write()` never sends the prelude); an empty one is a bare 200.
 */
import type { ServerResponse } from 'node:http';

export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = Buffer.alloc(8);
/** A prelude is a few headers; anything this large without a delimiter is not one. */
const MAX_PRELUDE_BYTES = 1024 * 1024;
/** Headers the front owns; a function cannot set them. */
const HOP_BY_HOP = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'upgrade']);

/** Answers like a function URL whose function failed or returned something it cannot use. */
export function writeBadGateway(res: ServerResponse, requestId: string): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': requestId });
  res.end('Internal Server Error');
}

/**
 * Writes a buffered (non-streaming) function result the way a function URL interprets it: an
 * object with `statusCode` is an HTTP response (`headers`, `cookies`, `body`, `isBase64Encoded`);
 * any other JSON value is a 200 `application/json` response whose body is that JSON.
 */
export function writeBufferedResult(res: ServerResponse, payload: string, requestId: string): void {
  if (res.destroyed) return;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    writeBadGateway(res, requestId);
    return;
  }
  if (!isShapedResult(value)) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
    res.end(payload);
    return;
  }
  const shaped = value as ShapedResult;
  const validBody = shaped.body === undefined || typeof shaped.body === 'string';
  if (typeof shaped.statusCode !== 'number' || !validBody) {
    writeBadGateway(res, requestId);
    return;
  }
  res.writeHead(shaped.statusCode, responseHeaders(shaped.headers, shaped.cookies, requestId));
  const body = shaped.body ?? '';
  res.end(shaped.isBase64Encoded === true ? Buffer.from(body, 'base64') : body);
}

interface ShapedResult {
  readonly statusCode?: unknown;
  readonly headers?: unknown;
  readonly cookies?: unknown;
  readonly body?: unknown;
  readonly isBase64Encoded?: unknown;
}

function isShapedResult(value: unknown): value is ShapedResult {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'statusCode' in value;
}

/** Headers from a prelude or a shaped result, with `cookies` as `set-cookie` lines. */
function responseHeaders(headers: unknown, cookies: unknown, requestId: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (HOP_BY_HOP.has(name.toLowerCase()) || value === undefined || value === null) continue;
      out[name.toLowerCase()] = String(value);
    }
  }
  if (Array.isArray(cookies) && cookies.length > 0) out['set-cookie'] = cookies.map(String);
  out['x-amzn-requestid'] = requestId;
  return out;
}

/**
 * Relays one streamed function response to the HTTP client: parses the prelude when there is
 * one, then forwards body chunks as they arrive, without buffering.
 *
 * @example
 * const relay = new StreamedResponseRelay(clientRes, runtimeReq.headers['content-type'], requestId);
 * runtimeReq.on('data', (chunk) => { if (!relay.push(chunk)) runtimeReq.pause(); ... });
 */
export class StreamedResponseRelay {
  readonly #res: ServerResponse;
  readonly #requestId: string;
  readonly #contentType: string;
  /** `prelude`: still looking for the delimiter; `body`: status sent; `broken`: answered 502. */
  #state: 'prelude' | 'body' | 'broken';
  #preludeBytes: Buffer = Buffer.alloc(0);

  constructor(res: ServerResponse, contentType: string | undefined, requestId: string) {
    this.#res = res;
    this.#requestId = requestId;
    this.#contentType = contentType ?? 'application/octet-stream';
    this.#state = this.#contentType === HTTP_INTEGRATION_CONTENT_TYPE ? 'prelude' : 'body';
  }

  /** True once the client is gone: chunks are then discarded. */
  get clientGone(): boolean {
    return this.#res.destroyed;
  }

  /**
   * Takes the next chunk of the function's stream. Returns false when the client is not keeping
   * up; the caller pauses the runtime stream until {@link drained} settles.
   */
  push(chunk: Buffer): boolean {
    if (this.#res.destroyed || this.#state === 'broken' || chunk.length === 0) return true;
    if (this.#state === 'body') return this.#forward(chunk);
    this.#preludeBytes = Buffer.concat([this.#preludeBytes, chunk]);
    const at = this.#preludeBytes.indexOf(PRELUDE_DELIMITER);
    if (at === -1) {
      if (this.#preludeBytes.length > MAX_PRELUDE_BYTES) this.#break();
      return true;
    }
    const rest = this.#preludeBytes.subarray(at + PRELUDE_DELIMITER.length);
    if (!this.#sendPrelude(this.#preludeBytes.subarray(0, at).toString('utf8'))) return true;
    return rest.length === 0 ? true : this.#forward(rest);
  }

  /** Settles when the client has taken the buffered bytes, or is gone. */
  drained(): Promise<void> {
    if (this.#res.destroyed || !this.#res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#res.off('drain', done).off('close', done);
        resolve();
      };
      this.#res.on('drain', done).on('close', done);
    });
  }

  /** The function finished its stream without error. */
  end(): void {
    if (this.#res.destroyed || this.#state === 'broken') return;
    if (this.#state === 'prelude') {
      if (this.#preludeBytes.length > 0) {
        this.#break();
        return;
      }
      this.#res.writeHead(200, { 'x-amzn-requestid': this.#requestId });
    } else if (!this.#res.headersSent) {
      this.#writeRawHead();
    }
    this.#res.end();
  }

  /** The function failed (error trailers) or the runtime stream broke: 502 or truncation. */
  fail(): void {
    this.#state = 'broken';
    writeBadGateway(this.#res, this.#requestId);
  }

  #sendPrelude(text: string): boolean {
    let prelude: { statusCode?: unknown; headers?: unknown; cookies?: unknown };
    try {
      prelude = JSON.parse(text) as typeof prelude;
    } catch {
      this.#break();
      return false;
    }
    const status = prelude.statusCode ?? 200;
    if (typeof status !== 'number') {
      this.#break();
      return false;
    }
    this.#state = 'body';
    this.#res.writeHead(status, responseHeaders(prelude.headers, prelude.cookies, this.#requestId));
    this.#res.flushHeaders();
    return true;
  }

  #forward(chunk: Buffer): boolean {
    if (!this.#res.headersSent) this.#writeRawHead();
    return this.#res.write(chunk);
  }

  #writeRawHead(): void {
    this.#res.writeHead(200, { 'content-type': this.#contentType, 'x-amzn-requestid': this.#requestId });
  }

  #break(): void {
    this.#state = 'broken';
    this.#preludeBytes = Buffer.alloc(0);
    writeBadGateway(this.#res, this.#requestId);
  }
}
