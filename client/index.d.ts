/** AWS credentials, or a provider of them (the default chain's shape). */
export type AwsCredentialIdentity = {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
};

export interface SigV4FetchOptions {
  /** The function URL's region. @default AWS_REGION, else AWS_DEFAULT_REGION */
  readonly region?: string;
  /** The SigV4 service name. @default 'lambda' (function URLs) */
  readonly service?: string;
  /** @default the AWS default credential chain (environment, AWS_PROFILE, SSO, container or instance role) */
  readonly credentials?: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  /** The fetch that sends the signed request. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/**
 * A `fetch` that signs every request with SigV4 for an `AWS_IAM` function URL (payload hash included) and streams
 * the response through.
 *
 * @example
 * import OpenAI from 'openai';
 * import { createSigV4Fetch } from 'mantle-gateway/client';
 * const openai = new OpenAI({ baseURL: `${functionUrl}/v1`, apiKey: 'iam', fetch: createSigV4Fetch({ region: 'us-east-2' }) });
 */
export function createSigV4Fetch(options?: SigV4FetchOptions): typeof fetch;
