/**
 * The authenticate stage: request headers (and the platform-verified IAM caller) in, the caller and its model
 * grants out, or a 401. It makes no upstream call and never includes what the caller sent in a message.
 *
 * - `api_key`: `Authorization: Bearer <key>` or `x-api-key: <key>` on every path (SDK versions differ in which
 *   they send); when both are sent they must carry the same key. The lookup goes straight to the key id; the
 *   secret's hash is compared in constant time; revocation and expiry are checked at request time.
 * - `iam`: the function URL (auth type `AWS_IAM`) verified the SigV4 signature; the ARN it reports is matched
 *   against the principal documents. Caller keys, if any, are ignored.
 * - `none`: open local runs only (the demo, `npm start` on loopback without keys).
 */
import type { RequestHeaders } from '../domain/request-headers.js';
import type { AuthenticatedCaller } from '../domain/caller.js';
import { AuthenticationError } from '../domain/errors.js';
import type { Invocation } from '../domain/invocation.js';
import { parseApiKey, secretMatches } from './api-key.js';
import type { CallerSource } from './caller-directory.js';
import type { DocumentsByKind } from './caller-directory.js';
import { ALL_MODELS } from './grants.js';

export type CallerAuthMode = 'api_key' | 'iam' | 'none';
export const CALLER_AUTH_MODES: readonly CallerAuthMode[] = ['api_key', 'iam', 'none'];

/**
 * @param documents the config snapshot's non-route documents (where deployed keys and principals live); sources
 *   that read elsewhere (a keys file) ignore them
 */
export type Authenticate = (request: { readonly headers: RequestHeaders }, invocation?: Invocation, documents?: DocumentsByKind) => AuthenticatedCaller | Promise<AuthenticatedCaller>;

export interface AuthenticatorOptions {
  readonly mode: CallerAuthMode;
  /** Keys and principals. Required for `api_key`; for `iam` without it every verified caller gets every model. */
  readonly callers?: CallerSource;
  /** Milliseconds since the epoch, for expiry. @default Date.now */
  readonly now?: () => number;
}

const NO_DOCUMENTS: DocumentsByKind = new Map();
const ANONYMOUS: AuthenticatedCaller = { caller: { type: 'anonymous' }, grants: ALL_MODELS };
const INVALID_KEY = 'Invalid API key: send a gateway API key (mgw_...) as Authorization: Bearer <key> or x-api-key: <key>.';

/**
 * @example
 * const authenticate = createAuthenticator({ mode: 'api_key', callers: staticCallerSource({ keys, principals: [] }) });
 * const { caller, grants } = await authenticate(request, invocation);
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const now = options.now ?? Date.now;
  const callers = options.callers;
  switch (options.mode) {
    case 'none':
      return () => ANONYMOUS;
    case 'iam':
      return async (_request, invocation, documents = NO_DOCUMENTS) => {
        const arn = invocation?.iamCallerArn;
        if (!arn) throw new AuthenticationError('This gateway accepts only callers signed with AWS SigV4 (service lambda); no verified IAM caller came with the request.');
        return { caller: { type: 'iam', arn }, grants: callers ? (await callers.callers(documents)).grantsForArn(arn) : ALL_MODELS };
      };
    case 'api_key':
      if (!callers) throw new Error('api_key caller auth needs a key source');
      return async (request, _invocation, documents = NO_DOCUMENTS) => {
        const parsed = parseApiKey(presentedKey(request.headers));
        if (!parsed) throw new AuthenticationError(INVALID_KEY);
        const record = (await callers.callers(documents)).key(parsed.keyId);
        if (!record || !secretMatches(parsed.secret, record.hash)) throw new AuthenticationError(INVALID_KEY);
        // Only a caller who holds the secret learns why a real key stopped working.
        if (record.disabled) throw new AuthenticationError(`API key ${record.id} has been revoked.`);
        if (record.expiresAtMs !== undefined && now() >= record.expiresAtMs) throw new AuthenticationError(`API key ${record.id} has expired.`);
        return { caller: { type: 'key', id: record.id }, grants: record.grants };
      };
  }
}

/** The key from `Authorization: Bearer` and/or `x-api-key`. @throws AuthenticationError when none, or two different ones */
function presentedKey(headers: RequestHeaders): string {
  const authorization = headers.get('authorization');
  const apiKey = headers.get('x-api-key')?.trim() || undefined;
  let bearer: string | undefined;
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    if (match) bearer = match[1];
    else if (apiKey === undefined) throw new AuthenticationError('The Authorization header must use the Bearer scheme: Authorization: Bearer <key>.');
  }
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) {
    throw new AuthenticationError('Authorization and x-api-key carry different keys; send one key, or the same key in both.');
  }
  const key = bearer ?? apiKey;
  if (key === undefined) throw new AuthenticationError('Missing API key: send a gateway API key as Authorization: Bearer <key> or x-api-key: <key>.');
  return key;
}
