/**
 * Turns an HTTP request received by the emulated function URL into the event a function URL
 * hands to Lambda (payload format 2.0), the way production builds it.
 *
 * Why not reuse a library: the point of the harness is to check our adapter against the event
 * shape AWS documents, so the shape is written out here field by field.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** Function URLs reject request payloads above 6 MB (the limit of a synchronous invoke). */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/** Where the request came in, as the function URL reports it in `requestContext`. */
export interface FunctionUrlIdentity {
  /** Account id of the caller; function URLs with auth type NONE report `anonymous`. */
  readonly accountId: string;
  /** The url-id, first label of `<url-id>.lambda-url.<region>.on.aws`. */
  readonly urlId: string;
  readonly region: string;
}

/** Thrown when the request body exceeds {@link MAX_REQUEST_BODY_BYTES}; the front answers 413. */
export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

/** Reads the whole request body; function URLs buffer it too (it travels inside the event JSON). */
export async function readRequestBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RequestTooLargeError(`request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Content types that function URLs pass as plain text; any other body arrives base64-encoded
 * with `isBase64Encoded: true`.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence.startsWith('text/')) return true;
  return /^application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|x-yaml|graphql)$/.test(essence);
}

/**
 * Builds the payload-format-2.0 event for one request.
 *
 * @example
 * const body = await readRequestBody(req);
 * const event = toFunctionUrlEvent(req, body, { requestId, now: new Date(), identity });
 */
export function toFunctionUrlEvent(
  req: IncomingMessage,
  body: Buffer,
  options: { readonly requestId: string; readonly now: Date; readonly identity: FunctionUrlIdentity },
): LambdaFunctionURLEvent {
  const { rawPath, rawQueryString } = splitTarget(req.url ?? '/');
  const sourceIp = normalizeIp(req.socket.remoteAddress);
  const headers = joinHeaders(req.rawHeaders);
  const cookies = headers['cookie']?.split(';').map((c) => c.trim()).filter((c) => c !== '');
  delete headers['cookie'];
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(options.now.getTime() / 1000).toString(16)}-${options.requestId.replaceAll('-', '').slice(0, 24)}`;
  const { identity } = options;
  const domainName = `${identity.urlId}.lambda-url.${identity.region}.on.aws`;
  const queryStringParameters = parseQuery(rawQueryString);
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: identity.accountId,
      apiId: identity.urlId,
      domainName,
      domainPrefix: identity.urlId,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: options.requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatClfTime(options.now),
      timeEpoch: options.now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined && cookies.length > 0) event.cookies = cookies;
  if (queryStringParameters !== undefined) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

/**
 * Lower-cases header names and joins repeated headers with commas, as function URLs do. Values arrive as UTF-8
 * text in the event (AWS fronts decode header bytes as UTF-8, so `Srīperumbūdūr` holds characters above U+00FF),
 * while node:http hands them over as latin1: re-decode the bytes when they are valid UTF-8.
 */
function joinHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = asUtf8(rawHeaders[i + 1]!);
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}${name === 'cookie' ? '; ' : ','}${value}`;
  }
  return headers;
}

function asUtf8(latin1: string): string {
  // Pure ASCII (nearly every header) reads the same either way.
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : latin1;
}

function splitTarget(target: string): { rawPath: string; rawQueryString: string } {
  const q = target.indexOf('?');
  return q === -1 ? { rawPath: target, rawQueryString: '' } : { rawPath: target.slice(0, q), rawQueryString: target.slice(q + 1) };
}

/** Decoded query parameters, repeated keys comma-joined; absent when there is no query. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = params[key] === undefined ? value : `${params[key]},${value}`;
  }
  return params;
}

function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `requestContext.time` uses the common log format: `22/Nov/2026:03:13:00 +0000`. */
function formatClfTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
