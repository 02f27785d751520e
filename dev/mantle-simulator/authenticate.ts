/**
 * Decides who sent a request: a SigV4 identity, a Bedrock API key, or nobody. Mantle accepts API keys as
 * `Authorization: Bearer` on every path and as `x-api-key` on the Anthropic path only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isSigV4, parseAuthorization, verifySigV4 } from './sigv4-verifier.js';
import type { ReceivedRequest } from './sigv4-verifier.js';
import type { SimulatorCredentials } from './types.js';

export interface AuthPolicy {
  region: string;
  credentials: readonly SimulatorCredentials[];
  bearerTokens: readonly string[];
}

export interface AuthOutcome {
  /** What `RecordedRequest.identity` shows. */
  identity: string;
  /** What `RecordedRequest.region` shows. */
  region: string;
  /** Absent when the request is authenticated. */
  rejection?: { status: 401 | 403; message: string; code: string };
}

const MISSING =
  'Missing Authentication Token: sign the request with AWS Signature Version 4 or send a Bedrock API key.';
const BAD_KEY = 'Authentication failed: Please make sure your API Key is valid.';
const UNKNOWN_SCHEME = 'Unsupported Authorization header: use AWS4-HMAC-SHA256 or Bearer.';

export async function authenticate(request: ReceivedRequest, policy: AuthPolicy): Promise<AuthOutcome> {
  const authorization = request.headers['authorization'];
  if (authorization !== undefined && isSigV4(authorization)) return authenticateSigV4(request, authorization, policy);

  const token = bearerToken(authorization) ?? anthropicApiKey(request);
  if (token !== undefined) {
    const outcome: AuthOutcome = { identity: 'bearer', region: policy.region };
    if (!policy.bearerTokens.some((known) => sameSecret(known, token))) {
      outcome.rejection = { status: 403, message: BAD_KEY, code: 'invalid_api_key' };
    }
    return outcome;
  }
  const message = authorization === undefined ? MISSING : UNKNOWN_SCHEME;
  const rejection = { status: 401 as const, message, code: 'missing_authentication_token' };
  return { identity: 'anonymous', region: policy.region, rejection };
}

async function authenticateSigV4(
  request: ReceivedRequest,
  authorization: string,
  policy: AuthPolicy,
): Promise<AuthOutcome> {
  const verdict = await verifySigV4(request, authorization, policy);
  const parsed = parseAuthorization(authorization);
  const outcome: AuthOutcome = {
    identity: parsed?.accessKeyId ?? 'anonymous',
    region: parsed?.region ?? policy.region,
  };
  if (!verdict.ok) outcome.rejection = { status: 403, message: verdict.message, code: verdict.code };
  return outcome;
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function anthropicApiKey(request: ReceivedRequest): string | undefined {
  const isAnthropicPath = request.rawPath === '/anthropic' || request.rawPath.startsWith('/anthropic/');
  return isAnthropicPath ? request.headers['x-api-key'] : undefined;
}

/** Compares digests so that neither the token's length nor its content leaks through timing. */
function sameSecret(known: string, candidate: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(known), digest(candidate));
}
