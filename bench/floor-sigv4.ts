/**
 * SigV4 in a few lines of `node:crypto`, for the bench's floor proxy and its direct leg: what the cheapest
 * correct signer costs. The signing key is derived once per day, region and service and then reused, so a
 * request costs two SHA-256 hashes and two HMACs. It signs only `host` and the `x-amz-*` headers, and takes
 * paths that need no escaping (the bench's own); the gateway's signer (lambda/upstream/sigv4.ts) is the general one.
 */
import { createHash, createHmac } from 'node:crypto';

export interface FloorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigningTarget {
  readonly method: string;
  /** `host[:port]` as the HTTP client sends it. */
  readonly host: string;
  /** Path without query, already in canonical form. */
  readonly path: string;
  readonly body: Buffer;
}

export class FloorSigner {
  private cachedKey: { readonly scope: string; readonly key: Buffer } | undefined;

  constructor(
    private readonly credentials: FloorCredentials,
    private readonly region: string,
    private readonly service = 'bedrock-mantle',
  ) {}

  /** The headers to add: `authorization`, `x-amz-date`, `x-amz-content-sha256` and, with a session, `x-amz-security-token`. */
  sign(target: SigningTarget, now = new Date()): Record<string, string> {
    const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const payloadHash = createHash('sha256').update(target.body).digest('hex');
    const token = this.credentials.sessionToken;
    const signedHeaders = token ? 'host;x-amz-content-sha256;x-amz-date;x-amz-security-token' : 'host;x-amz-content-sha256;x-amz-date';
    const canonicalHeaders = `host:${target.host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n${token ? `x-amz-security-token:${token}\n` : ''}`;
    const canonicalRequest = `${target.method}\n${target.path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(scope, day)).update(stringToSign).digest('hex');
    return {
      authorization: `AWS4-HMAC-SHA256 Credential=${this.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
      ...(token ? { 'x-amz-security-token': token } : {}),
    };
  }

  private signingKey(scope: string, day: string): Buffer {
    if (this.cachedKey?.scope === scope) return this.cachedKey.key;
    const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${this.credentials.secretAccessKey}`, day), this.region), this.service), 'aws4_request');
    this.cachedKey = { scope, key };
    return key;
  }
}
