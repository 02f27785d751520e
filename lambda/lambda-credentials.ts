/**
 * The credential chain of the Lambda bundle. lib/gateway-function.ts aliases `@aws-sdk/credential-provider-node`
 * to this module when it bundles the function, so the gateway's signer and the SSM client both get it.
 *
 * Why: in Lambda the execution role's credentials are always in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first link of the default chain and the only one that ever
 * answers there. The other links (SSO, profiles, web identity, container and instance metadata) and the STS and
 * SSO clients they carry were about a quarter of the bundle and of its init time (ADR 0008). Local runs
 * (`npm start`, the demo, tests) are not bundled this way and keep the full chain.
 *
 * Like the default chain, this resolves once and keeps the result: environment credentials carry no expiry
 * unless `AWS_CREDENTIAL_EXPIRATION` says so, and Lambda does not change them during an environment's life.
 */
/** Role credentials as the signer takes them; the same fields `@aws-sdk/credential-provider-env` returns. */
export interface EnvCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly credentialScope?: string;
  readonly accountId?: string;
}

/**
 * Same name and shape as `@aws-sdk/credential-provider-node`'s export. It reads the variables itself rather than
 * through `@aws-sdk/credential-provider-env`, whose import of `@aws-sdk/core` brought about 25 KB of SDK client
 * runtime (middleware, endpoint rules, ini-file parsing) into the bundle for six `process.env` reads.
 */
export function defaultProvider(): () => Promise<EnvCredentials> {
  let resolved: Promise<EnvCredentials> | undefined;
  return () => {
    // A failed read is not kept: the next call tries again.
    resolved ??= readEnvironment().catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
}

export { defaultProvider as fromNodeProviderChain };

async function readEnvironment(): Promise<EnvCredentials> {
  const env = process.env;
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    const error = new Error('Unable to find environment variable credentials.');
    error.name = 'CredentialsProviderError';
    throw error;
  }
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const expiry = env['AWS_CREDENTIAL_EXPIRATION'];
  const credentialScope = env['AWS_CREDENTIAL_SCOPE'];
  const accountId = env['AWS_ACCOUNT_ID'];
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiry ? { expiration: new Date(expiry) } : {}),
    ...(credentialScope ? { credentialScope } : {}),
    ...(accountId ? { accountId } : {}),
  };
}
