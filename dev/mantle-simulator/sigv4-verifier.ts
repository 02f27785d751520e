/**
 * Verifies AWS SigV4 `Authorization` headers the way Mantle does, strictly enough that a gateway which signs a
 * header and then changes it, forgets `host`, signs for the wrong region or service, or hashes a different body
 * than it sends is caught here rather than in production.
 *
 * The signature is recomputed with `@smithy/signature-v4` over exactly the headers the client says it signed,
 * with the path as received and the query decoded, which is what the service does with the canonical request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SimulatorCredentials } from './types.js';

export const SIGNING_SERVICE = 'bedrock-mantle';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The parts of a received request that take part in the signature. */
export interface ReceivedRequest {
  method: string;
  /** Path exactly as received (still percent-encoded). */
  rawPath: string;
  /** Query string as received, without `?`. */
  rawQuery: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type SigV4Verdict =
  | { ok: true; accessKeyId: string; region: string }
  | { ok: false; code: string; message: string; accessKeyId?: string; region?: string };

/** Rejections with the AWS wording and a code named after the AWS exception, for the OpenAI envelope. */
const REJECTIONS = {
  malformed: {
    code: 'incomplete_signature',
    message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
  },
  service: { code: 'invalid_signature', message: `Credential should be scoped to correct service: '${SIGNING_SERVICE}'.` },
  unknownKey: { code: 'unrecognized_client', message: 'The security token included in the request is invalid.' },
  missingDate: {
    code: 'incomplete_signature',
    message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  },
  dateScope: {
    code: 'invalid_signature',
    message: 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
  },
  host: { code: 'invalid_signature', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." },
  contentHash: {
    code: 'content_sha256_mismatch',
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
  token: { code: 'unrecognized_client', message: 'The security token included in the request is invalid.' },
  signature: {
    code: 'signature_does_not_match',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
      'Access Key and signing method. Consult the service documentation for details.',
  },
} as const;

type Rejection = { code: string; message: string };

function regionRejection(region: string): Rejection {
  return {
    code: 'invalid_signature',
    message: `Credential should be scoped to a valid region. This endpoint serves '${region}'.`,
  };
}

export function isSigV4(authorization: string): boolean {
  return authorization.startsWith(`${ALGORITHM} `);
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(authorization: string): ParsedAuthorization | undefined {
  if (!isSigV4(authorization)) return undefined;
  const params = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const scope = params.get('Credential')?.split('/');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  if (!scope || scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string];
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * `expected.service` defaults to `bedrock-mantle`; the function URL test front passes `lambda`.
 *
 * Checks, in the order the service reports them: scope, identity, date, signed-header set, body hash, session
 * token, and finally the signature itself.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  authorization: string,
  expected: { region: string; credentials: readonly SimulatorCredentials[]; service?: string },
): Promise<SigV4Verdict> {
  const auth = parseAuthorization(authorization);
  if (!auth) return { ok: false, ...REJECTIONS.malformed };
  const who = { accessKeyId: auth.accessKeyId, region: auth.region };
  const reject = (rejection: Rejection): SigV4Verdict => ({ ok: false, ...rejection, ...who });

  const service = expected.service ?? SIGNING_SERVICE;
  if (auth.service !== service) {
    return reject(service === SIGNING_SERVICE ? REJECTIONS.service : { code: 'invalid_signature', message: `Credential should be scoped to correct service: '${service}'.` });
  }
  if (auth.region !== expected.region) return reject(regionRejection(expected.region));
  const identity = expected.credentials.find((c) => c.accessKeyId === auth.accessKeyId);
  if (!identity) return reject(REJECTIONS.unknownKey);

  const amzDate = request.headers['x-amz-date'];
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signingDate) return reject(REJECTIONS.missingDate);
  if (amzDate.slice(0, 8) !== auth.date) return reject(REJECTIONS.dateScope);
  if (!auth.signedHeaders.includes('host')) return reject(REJECTIONS.host);

  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== sha256Hex(request.body)) return reject(REJECTIONS.contentHash);
  if (identity.sessionToken !== undefined && request.headers['x-amz-security-token'] !== identity.sessionToken) {
    return reject(REJECTIONS.token);
  }

  const expectedSignature = await computeSignature(request, auth, identity, signingDate);
  if (!equalHex(expectedSignature, auth.signature)) return reject(REJECTIONS.signature);
  return { ok: true, ...who };
}

/** Re-signs the request as the client should have, and returns the signature it yields. */
async function computeSignature(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  identity: SimulatorCredentials,
  signingDate: Date,
): Promise<string> {
  // The session token and content hash are taken from the headers as signed, so the signer must not add its own.
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  // A signed header that was not sent canonicalises as empty, so the signature cannot match (as on AWS).
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = request.headers[name] ?? '';
  const [hostname = '', port] = (request.headers['host'] ?? '').split(':');
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: request.rawPath,
      query: decodeQuery(request.rawQuery),
      headers,
      body: request.body.length > 0 ? request.body : undefined,
    },
    // Signed headers the signer would otherwise skip (user-agent, ...) count when the client signed them.
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  return parseAuthorization(String(signed.headers['authorization'] ?? ''))?.signature ?? '';
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function decodeQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Constant-time comparison; lengths are not secret (a SigV4 signature is always 64 hex characters). */
function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
