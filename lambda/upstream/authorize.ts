import type { Provider } from '../config/types.js';
import type { ApiSurface } from '../domain/api-surface.js';
import { resolveBearerToken, type SecureStringReader } from './bearer-token.js';
import type { MantleSigner } from './sigv4.js';
import type { UpstreamRequest } from './upstream-request.js';

/** Adds the provider's credentials to an upstream request, last, after every other header is final. */
export type UpstreamAuthorizer = (request: UpstreamRequest, provider: Provider, surface: ApiSurface) => void | Promise<void>;

export function createUpstreamAuthorizer(signer: MantleSigner, readSecureString: SecureStringReader): UpstreamAuthorizer {
  const bearer = async (request: UpstreamRequest, provider: Provider, surface: ApiSurface): Promise<void> => {
    if (provider.auth.mode === 'default_chain') return;
    const token = await resolveBearerToken(provider.auth.token, readSecureString);
    // Mantle takes a Bedrock API key as Bearer on OpenAI paths and as x-api-key on the Anthropic path.
    if (surface === 'anthropic') request.headers['x-api-key'] = token;
    else request.headers['authorization'] = `Bearer ${token}`;
  };
  // SigV4 signs synchronously while the role's credentials are fresh: no promise on the usual path.
  return (request, provider, surface) => (provider.auth.mode === 'default_chain' ? signer.sign(request, provider.region) : bearer(request, provider, surface));
}
