/**
 * Gateway API keys: `mgw_<key id>_<secret>`. The key id is public (it names the SSM parameter
 * `<prefix>/keys/<key id>` and identifies the caller in logs); the secret is 256 random bits, and only its SHA-256
 * is stored. A fast hash is enough for a secret with that much entropy: nobody can guess it, so there is nothing
 * for a slow hash to slow down (docs/adr/0010-gateway-api-keys-and-principals.md).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'mgw_';

/** Key ids as generated: 16 lower-case hex characters. Validators accept this alphabet at 8 to 64 characters. */
export const KEY_ID_PATTERN = /^[a-z0-9]{8,64}$/;

/** Secrets: letters and digits only (so `_` can separate the parts), at least 32 characters (128 bits as hex). */
const SECRET_PATTERN = /^[A-Za-z0-9]{32,256}$/;

/** How a stored hash is written: the algorithm, then 64 hex characters. */
export const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface ParsedApiKey {
  readonly keyId: string;
  readonly secret: string;
}

export interface NewApiKey extends ParsedApiKey {
  /** The whole key, shown to the admin once and never stored. */
  readonly key: string;
  /** What the key document stores. */
  readonly hash: string;
}

/** A fresh key: 64-bit id, 256-bit secret, both hex. */
export function generateApiKey(): NewApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  return { keyId, secret, key: `${KEY_PREFIX}${keyId}_${secret}`, hash: hashSecret(secret) };
}

/** Splits a presented key, or undefined when it is not shaped like one (no lookup is made for it). */
export function parseApiKey(presented: string): ParsedApiKey | undefined {
  if (!presented.startsWith(KEY_PREFIX)) return undefined;
  const rest = presented.slice(KEY_PREFIX.length);
  const separator = rest.indexOf('_');
  if (separator < 0) return undefined;
  const keyId = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  return KEY_ID_PATTERN.test(keyId) && SECRET_PATTERN.test(secret) ? { keyId, secret } : undefined;
}

export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/**
 * Compares the presented secret's hash with the stored one in constant time. Both sides are fixed-length digests,
 * so neither the comparison nor its length reveals anything about the stored hash.
 */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const stored = Buffer.from(storedHash.slice('sha256:'.length), 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
