import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
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

/**
 * Reads SecureStrings through Powertools parameters (decrypted, cached for five minutes so a rotated key is
 * picked up without a redeploy). Its SSM client is created on first use. The import is static on purpose: the
 * route store loads the same module anyway, and a dynamic `import()` made esbuild keep every SSM command in the
 * Lambda bundle (about 97 KB; docs/adr, "lean Lambda bundle").
 */
export function createSsmSecureStringReader(maxAgeSeconds = 300): SecureStringReader {
  return (name) => getParameter(name, { decrypt: true, maxAge: maxAgeSeconds });
}
