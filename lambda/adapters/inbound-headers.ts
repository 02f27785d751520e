import { InvalidRequestError } from '../domain/errors.js';
import type { RequestHeaders } from '../domain/request-headers.js';

/** RFC 9110 token: a header name is one. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What no header value may hold once its ends are trimmed (the Fetch standard's rule). */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
const ABOVE_LATIN1 = /[^\u0000-\u00ff]/;
/** HTTP whitespace at either end, which the Fetch standard trims. */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * The caller's headers, checked as a web `Headers` would check them but kept in a plain map: building a `Headers`
 * per request cost more than every read the gateway makes of it (docs/adr/0012).
 *
 * Function URLs (like ALB and API Gateway) decode header bytes as UTF-8, so a value can hold characters above
 * U+00FF that a `Headers` refuses. CDNs add such headers (Cloudflare's `cf-ipcity: Srīperumbūdūr`), and the gateway
 * reads only a few allow-listed ones: failing the request would turn away callers for a header nobody reads. Such a
 * value is kept as its UTF-8 bytes (as latin1 text), which is what went over the wire and what node:http shows.
 */
export class InboundHeaders implements RequestHeaders {
  private readonly values = new Map<string, string>();

  /**
   * @param pairs name and value pairs; an undefined value (a function URL event may hold one) is skipped
   * @throws InvalidRequestError (400) for a name or value no HTTP message can carry
   */
  constructor(pairs: Iterable<readonly [string, string | undefined]>) {
    for (const [name, value] of pairs) if (value !== undefined) this.append(name, value);
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of [...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) callback(value, name);
  }

  private append(name: string, raw: string): void {
    const value = needsTrim(raw) ? raw.replace(EDGE_WHITESPACE, '') : raw;
    if (!TOKEN.test(name) || FORBIDDEN_IN_VALUE.test(value)) {
      throw new InvalidRequestError(`The request header ${JSON.stringify(name.slice(0, 60))} has a name or value that is not valid in HTTP.`, { code: 'invalid_header' });
    }
    const kept = ABOVE_LATIN1.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
    const key = name.toLowerCase();
    const before = this.values.get(key);
    this.values.set(key, before === undefined ? kept : `${before}, ${kept}`);
  }
}

function needsTrim(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first <= 32 || last <= 32;
}
