import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { UpstreamRequest } from './upstream-request.js';

/** Resolves AWS credentials; `fromNodeProviderChain()` memoizes and refreshes them before they expire. */
export type CredentialProvider = () => Promise<{
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}>;

/** The SigV4 service name of Mantle (not `bedrock`, which signs bedrock-runtime). */
export const MANTLE_SIGNING_SERVICE = 'bedrock-mantle';

/**
 * Signs upstream requests with SigV4 for `bedrock-mantle`: a pure step but for the credential lookup.
 * One signer per region, reused, so signing keys stay cached across requests.
 */
export class MantleSigner {
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    private readonly credentials: CredentialProvider,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds `authorization`, `x-amz-date`, `x-amz-content-sha256` and, with role credentials, `x-amz-security-token`. */
  async sign(request: UpstreamRequest, region: string): Promise<void> {
    const { url } = request;
    const signed = await this.signerFor(region).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: signableQuery(url.searchParams),
        // The host is signed as the HTTP client will send it: with the port when it is not the default.
        headers: { ...request.headers, host: url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
      { signingDate: this.now() },
    );
    for (const [name, value] of Object.entries(signed.headers)) {
      const lower = name.toLowerCase();
      if (lower !== 'host') request.headers[lower] = value;
    }
  }

  private signerFor(region: string): SignatureV4 {
    let signer = this.signers.get(region);
    if (!signer) {
      signer = new SignatureV4({
        credentials: this.credentials,
        region,
        service: MANTLE_SIGNING_SERVICE,
        sha256: Hash.bind(null, 'sha256'),
      });
      this.signers.set(region, signer);
    }
    return signer;
  }
}

/**
 * The query as the signer wants it: decoded values, every value of a repeated key kept (`include[]=a&include[]=b`
 * is sent as is, so both pairs must be in the canonical query; the signer sorts them by key, then value).
 */
function signableQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (typeof existing === 'string') query[key] = [existing, value];
    else existing.push(value);
  }
  return query;
}
