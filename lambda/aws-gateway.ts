import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Authenticate } from './auth/authenticate.js';
import { createGateway, type ConfigSource, type Gateway, type GatewayErrorLog } from './core/index.js';
import type { RequestRecordSink } from './observe/request-record.js';
import { createUpstreamAuthorizer } from './upstream/authorize.js';
import { SsmClient } from './aws/ssm-client.js';
import { createSsmSecureStringReader, type SecureStringSource } from './upstream/bearer-token.js';
import { MantleSigner, type CredentialProvider } from './upstream/sigv4.js';
import { resilienceFromEnvironment } from './resilience-environment.js';
import type { RetrySettings } from './attempts/retry-settings.js';

export interface AwsGatewayOptions {
  readonly config: ConfigSource;
  /** Caller auth (`lambda/auth/`). @default none: the demo and tests only */
  readonly authenticate?: Authenticate;
  readonly log?: GatewayErrorLog;
  /** Where request records go. @default none */
  readonly records?: RequestRecordSink;
  /** @default the AWS default credential chain (in Lambda, the function's role), created once */
  readonly credentials?: CredentialProvider;
  /** Where SecureString bearer tokens (`ssm:/path`) are read. @default an SsmClient with these credentials */
  readonly ssm?: SecureStringSource;
  /** @default GATEWAY_UPSTREAM_TIMEOUT_MS, else 600000 */
  readonly headersTimeoutMs?: number;
  /** @default from GATEWAY_RETRY_* and GATEWAY_ROUTE_COOLDOWN_SECONDS, else DEFAULT_RETRY_SETTINGS */
  readonly retry?: Partial<RetrySettings>;
  /** Backoff jitter and weighted route order. @default Math.random */
  readonly random?: () => number;
  /** @default GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS, else 60 s */
  readonly streamIdleTimeoutMs?: number;
}

/**
 * The gateway wired to real AWS credentials, for Lambda and `npm start`. The credential provider is built once:
 * it memoizes credentials and refreshes them before they expire, so requests do not pay for a lookup.
 */
export function createAwsGateway(options: AwsGatewayOptions): Gateway {
  const credentials = options.credentials ?? defaultProvider();
  const signer = new MantleSigner(credentials);
  const ssm = options.ssm ?? new SsmClient({ credentials });
  const timeoutFromEnv = Number(process.env['GATEWAY_UPSTREAM_TIMEOUT_MS']);
  const resilience = resilienceFromEnvironment();
  return createGateway({
    config: options.config,
    authorize: createUpstreamAuthorizer(signer, createSsmSecureStringReader(ssm)),
    headersTimeoutMs: options.headersTimeoutMs ?? (timeoutFromEnv > 0 ? timeoutFromEnv : 600_000),
    retry: { ...resilience.retry, ...options.retry },
    ...(options.log ? { log: options.log } : {}),
    ...(options.records ? { records: options.records } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...optionalNumber('streamIdleTimeoutMs', options.streamIdleTimeoutMs ?? resilience.streamIdleTimeoutMs),
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
  });
}

function optionalNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
