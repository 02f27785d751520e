import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createGateway, type ConfigSource, type Gateway, type GatewayErrorLog } from './core/index.js';
import type { RequestRecordSink } from './observe/request-record.js';
import { createUpstreamAuthorizer } from './upstream/authorize.js';
import { createSsmSecureStringReader } from './upstream/bearer-token.js';
import { MantleSigner, type CredentialProvider } from './upstream/sigv4.js';

export interface AwsGatewayOptions {
  readonly config: ConfigSource;
  readonly log?: GatewayErrorLog;
  /** Where request records go. @default none */
  readonly records?: RequestRecordSink;
  /** @default the AWS default credential chain (in Lambda, the function's role), created once */
  readonly credentials?: CredentialProvider;
  /** @default GATEWAY_UPSTREAM_TIMEOUT_MS, else 600000 */
  readonly headersTimeoutMs?: number;
}

/**
 * The gateway wired to real AWS credentials, for Lambda and `npm start`. The credential provider is built once:
 * it memoizes credentials and refreshes them before they expire, so requests do not pay for a lookup.
 */
export function createAwsGateway(options: AwsGatewayOptions): Gateway {
  const signer = new MantleSigner(options.credentials ?? defaultProvider());
  const timeoutFromEnv = Number(process.env['GATEWAY_UPSTREAM_TIMEOUT_MS']);
  return createGateway({
    config: options.config,
    authorize: createUpstreamAuthorizer(signer, createSsmSecureStringReader()),
    headersTimeoutMs: options.headersTimeoutMs ?? (timeoutFromEnv > 0 ? timeoutFromEnv : 600_000),
    ...(options.log ? { log: options.log } : {}),
    ...(options.records ? { records: options.records } : {}),
  });
}
