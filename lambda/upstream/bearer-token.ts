import type { BearerTokenRef } from '../config/types.js';
import { GatewayError } from '../domain/errors.js';

/** Reads a SecureString; injected so the SSM client loads only when a provider actually uses one. */
export type SecureStringReader = (name: string) => Promise<string | undefined>;

/**
 * Resolves a provider's Bedrock API key from `env.NAME` or `ssm:/path`. Environment values are read per call
 * (cheap, and they can change in local runs); SecureStrings are cached by the reader.
 */
export async function resolveBearerToken(ref: BearerTokenRef, readSecureString: SecureStringReader): Promise<string> {
  const token = ref.source === 'env' ? process.env[ref.name] : await readSecureString(ref.name);
  if (!token) {
    // Name the reference, never a value.
    throw new GatewayError(500, 'internal', `The gateway's Bedrock API key ${ref.source === 'env' ? `env.${ref.name}` : `ssm:${ref.name}`} is not set; an administrator must fix the provider configuration.`, {
      code: 'provider_misconfigured',
    });
  }
  return token;
}

/** The one call the reader makes: `GetParameter` with decryption (`lambda/aws/ssm-client.ts` in the gateway). */
export interface SecureStringSource {
  getParameter(name: string, options: { readonly decrypt: true }): Promise<string | undefined>;
}

/**
 * Reads SecureStrings decrypted and keeps each for `maxAgeSeconds`, so a rotated key is picked up without a
 * redeploy while requests do not each pay an SSM call. Concurrent first reads of one name share one call; a
 * failed read is not kept. A parameter that does not exist reads as undefined (the provider's "not set" error).
 */
export function createSsmSecureStringReader(ssm: SecureStringSource, maxAgeSeconds = 300, now: () => number = Date.now): SecureStringReader {
  const cache = new Map<string, { readonly value: Promise<string | undefined>; readonly until: number }>();
  return (name) => {
    const cached = cache.get(name);
    if (cached && now() < cached.until) return cached.value;
    const value = ssm.getParameter(name, { decrypt: true });
    cache.set(name, { value, until: now() + maxAgeSeconds * 1000 });
    value.catch(() => {
      if (cache.get(name)?.value === value) cache.delete(name);
    });
    return value;
  };
}
