// @ts-check
/**
 * `mantle-gateway/client`: a `fetch` that signs each request with AWS SigV4 for an `AWS_IAM` function URL, so the
 * official SDKs call a gateway deployed with `authMode: iam` unchanged but for one option:
 *
 *   new OpenAI({ baseURL: `${url}/v1`, apiKey: 'iam', fetch: createSigV4Fetch({ region: 'us-east-2' }) })
 *   new Anthropic({ baseURL: url, apiKey: 'iam', fetch: createSigV4Fetch({ region: 'us-east-2' }) })
 *
 * The body is buffered to sign its SHA-256 (`x-amz-content-sha256`: function URLs require the payload hash for
 * POST bodies); the response streams through untouched. The SDKs' `Authorization` / `x-api-key` placeholders are
 * dropped, never sent. Plain JavaScript with type declarations beside it (index.d.ts), so it runs from
 * node_modules without a build step; it uses only the package's own dependencies.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** Caller headers that must not reach the signer: the SDKs' key placeholders, and SigV4 headers we compute. */
const DROPPED = new Set(['authorization', 'x-api-key', 'host', 'content-length', 'connection', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

/**
 * @param {import('./index.js').SigV4FetchOptions} [options]
 * @returns {typeof fetch}
 */
export function createSigV4Fetch(options = {}) {
  const region = options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new Error("createSigV4Fetch needs the function URL's region: pass { region } or set AWS_REGION");
  const send = options.fetch ?? globalThis.fetch;
  // One signer (and one credential provider) for all requests: credentials are memoized and refreshed, and the
  // signing key is cached per day.
  const signer = new SignatureV4({
    service: options.service ?? 'lambda',
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    /** @type {Record<string, string>} */
    const headers = {};
    request.headers.forEach((value, name) => {
      if (!DROPPED.has(name)) headers[name] = value;
    });
    /** @type {Record<string, string | string[]>} */
    const query = {};
    for (const [name, value] of url.searchParams) {
      const existing = query[name];
      query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      // Signed as the HTTP client sends it: with the port when it is not the default.
      headers: { ...headers, host: url.host },
      ...(body ? { body } : {}),
    });
    /** @type {Record<string, string>} */
    const sent = {};
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') sent[name] = String(value);
    // Never follow a redirect with signed headers.
    return send(url, { method: request.method, headers: sent, ...(body ? { body } : {}), signal: request.signal, redirect: 'manual' });
  };
}
