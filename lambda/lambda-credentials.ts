/**
 * The credential chain of the Lambda bundle. lib/gateway-function.ts aliases `@aws-sdk/credential-provider-node`
 * to this module when it bundles the function, so the gateway's signer and the SSM client both get it.
 *
 * Why: in Lambda the execution role's credentials are always in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first link of the default chain and the only one that ever
 * answers there. The other links (SSO, profiles, web identity, container and instance metadata) and the STS and
 * SSO clients they carry were about a quarter of the bundle and of its init time (ADR 0009). Local runs
 * (`npm start`, the demo, tests) are not bundled this way and keep the full chain.
 *
 * Like the default chain, this resolves once and keeps the result: environment credentials carry no expiry
 * unless `AWS_CREDENTIAL_EXPIRATION` says so, and Lambda does not change them during an environment's life.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type EnvCredentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** Same name and shape as `@aws-sdk/credential-provider-node`'s export, which the AWS SDK clients import. */
export function defaultProvider(init?: Parameters<typeof fromEnv>[0]): () => Promise<EnvCredentials> {
  const read = fromEnv(init);
  let resolved: Promise<EnvCredentials> | undefined;
  return () => {
    // A failed read is not kept: the next call tries again.
    resolved ??= read().catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
}

export { defaultProvider as fromNodeProviderChain };
