/**
 * The Lambda entry point: a function URL in RESPONSE_STREAM mode. Module scope builds the long-lived parts
 * once per execution environment (credential provider, signer, config store); nothing here does I/O at init.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Context } from 'aws-lambda';
import { createFunctionUrlHandler } from './adapters/lambda-adapter.js';
import type { HttpResponseStreamFactory, StreamingHandler } from './adapters/lambda-runtime-types.js';
import { createAwsGateway } from './aws-gateway.js';
import { SsmClient } from './aws/ssm-client.js';
import { deployedAuthMode } from './auth/deployed-auth-mode.js';
import { createAuthenticator } from './auth/authenticate.js';
import { createSnapshotCallerSource } from './auth/snapshot-callers.js';
import { createSsmConfigSource } from './config-store/ssm-config-source.js';
import { createObservability } from './observe/observability.js';

const { logger, metrics, records, addContext } = createObservability(process.env);
const ttlSetting = process.env['GATEWAY_CONFIG_TTL_SECONDS'];
const fullReadSetting = process.env['GATEWAY_CONFIG_FULL_READ_SECONDS'];

/**
 * One credential provider (in the bundle, the environment's role credentials: lambda/lambda-credentials.ts) for
 * the upstream signer and the SSM client, and one SSM client (its own awsJson reader, not the AWS SDK's: ADR 0008)
 * for the route store and the SecureString bearer tokens.
 */
const credentials = defaultProvider();
const ssm = new SsmClient({ credentials });

const prefix = process.env['GATEWAY_SSM_PREFIX'] ?? '/mantle-gateway';

const gateway = createAwsGateway({
  config: createSsmConfigSource({
    ssm,
    prefix,
    // The store checks the value and warns about a bad one.
    ...(ttlSetting ? { ttlSeconds: Number(ttlSetting) } : {}),
    ...(fullReadSetting ? { fullReadSeconds: Number(fullReadSetting) } : {}),
    logger,
  }),
  // Keys and principals come with the routes' snapshot: the same reads, TTL and revision marker.
  authenticate: createAuthenticator({
    mode: deployedAuthMode(process.env['GATEWAY_AUTH_MODE'], logger),
    callers: createSnapshotCallerSource({ prefix, logger }),
  }),
  log: logger,
  records,
  credentials,
  ssm,
});

const streamingHandler: StreamingHandler = createFunctionUrlHandler(
  gateway,
  awslambda.HttpResponseStream as unknown as HttpResponseStreamFactory,
  (context) => {
    addContext(context as Context);
    metrics.captureColdStartMetric();
  },
);

export const handler = awslambda.streamifyResponse(streamingHandler as Parameters<typeof awslambda.streamifyResponse>[0]);
