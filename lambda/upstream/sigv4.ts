import { createHmac, hash } from 'node:crypto';
import type { UpstreamRequest } from './upstream-request.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Resolves AWS credentials; `fromNodeProviderChain()` memoizes and refreshes them before they expire. */
export type CredentialProvider = () => Promise<SigningCredentials>;

/** Credentials without an expiry are asked for again after this long (a provider may still rotate them). */
export const CREDENTIALS_HOLD_MS = 60_000;
/** Credentials with an expiry are asked for again this long before it, as the AWS SDKs refresh them. */
export const CREDENTIALS_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** The SigV4 service name of Mantle (not `bedrock`, which signs bedrock-runtime). */
export const MANTLE_SIGNING_SERVICE = 'bedrock-mantle';

/** Headers SigV4 signers leave out (the AWS SDKs' list): proxies and HTTP clients may change them on the way. */
const UNSIGNED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Signs upstream requests with SigV4 for `bedrock-mantle` (docs.aws.amazon.com/IAM/latest/UserGuide/
 * reference_sigv-create-signed-request.html): a pure step but for the credential lookup. Written on `node:crypto`
 * rather than `@smithy/signature-v4`, which costs several times more per request (async hashing, request cloning;
 * docs/adr/0001). The signing key is derived once per day, region, service and secret, then reused, so a request
 * costs two SHA-256 hashes and one HMAC. The Mantle simulator verifies these signatures with `@smithy/signature-v4`.
 */
export class MantleSigner {
  private readonly keys = new Map<string, { readonly secret: string; readonly key: Buffer }>();
  /** The provider's last answer, used without asking again until `refreshAt` (epoch ms). */
  private held: { readonly credentials: SigningCredentials; readonly refreshAt: number } | undefined;

  constructor(
    private readonly credentials: CredentialProvider,
    private readonly now: () => Date = () => new Date(),
    /** The SigV4 service name: the Lambda's own SSM client (`lambda/aws/`) signs with this class for `ssm`. @default 'bedrock-mantle' */
    private readonly service: string = MANTLE_SIGNING_SERVICE,
  ) {}

  /**
   * Adds `authorization`, `x-amz-date`, `x-amz-content-sha256` and, with role credentials, `x-amz-security-token`.
   * Synchronous while the credentials it holds are fresh (every request but about one a minute); otherwise it asks
   * the provider first and returns that promise.
   */
  sign(request: UpstreamRequest, region: string): void | Promise<void> {
    const now = this.now();
    const held = this.held;
    if (held && now.getTime() < held.refreshAt) return this.signWith(held.credentials, request, region, now);
    return this.credentials().then((credentials) => {
      this.held = { credentials, refreshAt: refreshAtOf(credentials, now.getTime()) };
      this.signWith(credentials, request, region, now);
    });
  }

  private signWith(credentials: SigningCredentials, request: UpstreamRequest, region: string, now: Date): void {
    const amzDate = amzDateOf(now);
    const day = amzDate.slice(0, 8);
    const headers = request.headers;
    delete headers['authorization'];
    delete headers['date'];
    headers['x-amz-date'] = amzDate;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const payloadHash = headers['x-amz-content-sha256'] ?? (request.body === undefined ? EMPTY_BODY_SHA256 : sha256Hex(request.body));
    headers['x-amz-content-sha256'] = payloadHash;
    const { url } = request;
    // The host is signed as the HTTP client will send it: with the port when it is not the default.
    const { names, canonical } = canonicalHeaders(headers, url.host);
    const canonicalRequest = `${request.method}\n${canonicalPath(url.pathname)}\n${canonicalQuery(url.searchParams)}\n${canonical}\n${names}\n${payloadHash}`;
    const scope = `${day}/${region}/${this.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, day, region)).update(stringToSign).digest('hex');
    headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names}, Signature=${signature}`;
  }

  /** kDate, kRegion, kService, kSigning: the same for a whole day, so derived once (a new secret derives anew). */
  private signingKey(secret: string, day: string, region: string): Buffer {
    const cacheKey = `${day}/${region}`;
    const cached = this.keys.get(cacheKey);
    if (cached?.secret === secret) return cached.key;
    const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), this.service), 'aws4_request');
    // Yesterday's keys are of no more use.
    for (const name of this.keys.keys()) if (!name.startsWith(day)) this.keys.delete(name);
    this.keys.set(cacheKey, { secret, key });
    return key;
  }
}

function refreshAtOf(credentials: SigningCredentials, now: number): number {
  const expiry = credentials.expiration?.getTime();
  return expiry === undefined ? now + CREDENTIALS_HOLD_MS : Math.min(now + CREDENTIALS_HOLD_MS, expiry - CREDENTIALS_REFRESH_BEFORE_EXPIRY_MS);
}

/** The one-shot `hash` (Node 20.12+) costs about half of `createHash().update().digest()` for a small input. */
function sha256Hex(data: string): string {
  return hash('sha256', data, 'hex');
}

/** `20261101T120000Z` */
function amzDateOf(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Sorted lower-case names with values trimmed and inner whitespace folded; `host` included. */
function canonicalHeaders(headers: Readonly<Record<string, string>>, host: string): { names: string; canonical: string } {
  const names = ['host'];
  for (const name of Object.keys(headers)) {
    if (name !== 'host' && !UNSIGNED_HEADERS.has(name) && !name.startsWith('proxy-') && !name.startsWith('sec-')) names.push(name);
  }
  names.sort();
  let canonical = '';
  for (const name of names) canonical += `${name}:${name === 'host' ? host : foldValue(headers[name]!)}\n`;
  return { names: names.join(';'), canonical };
}

function foldValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/** Segments of unreserved characters only, none a dot segment: such a path is its own canonical form. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-_~][A-Za-z0-9\-._~]*)+$/;

/**
 * The path as sent, `.` and `..` segments resolved, empty segments dropped, then URI-encoded once more (every
 * AWS service but S3 signs the doubly encoded path).
 */
function canonicalPath(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/**
 * Decoded pairs re-encoded (RFC 3986), sorted by key, then value; every value of a repeated key kept
 * (`include[]=a&include[]=b` is sent as is, so both pairs must be in the canonical query).
 */
function canonicalQuery(params: URLSearchParams): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) {
    const encodedKey = escapeUri(key);
    const pair = `${encodedKey}=${escapeUri(value)}`;
    const pairs = byKey.get(encodedKey);
    if (pairs) pairs.push(pair);
    else byKey.set(encodedKey, [pair]);
  }
  if (byKey.size === 0) return '';
  return [...byKey.keys()]
    .sort()
    .map((key) => byKey.get(key)!.sort().join('&'))
    .join('&');
}

function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
