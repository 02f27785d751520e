/**
 * The Lambda entry point: a function URL in RESPONSE_STREAM mode. Module scope builds the long-lived parts
 * once per execution environment (credential provider, signer, config store); nothing here does I/O at init.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { Context } from 'aws-lambda';
import { createFunctionUrlHandler } from './adapters/lambda-adapter.js';
import type { HttpResponseStreamFactory, StreamingHandler } from './adapters/lambda-runtime-types.js';
import { createAwsGateway } from './aws-gateway.js';
import { deployedAuthMode } from './auth/deployed-auth-mode.js';
import { createAuthenticator } from './auth/authenticate.js';
import { createSnapshotCallerSource } from './auth/snapshot-callers.js';
import { createSsmConfigSource } from './config-store/ssm-config-source.js';
import { createObservability } from './observe/observability.js';

const { logger, metrics, records } = createObservability(process.env);
const ttlSetting = process.env['GATEWAY_CONFIG_TTL_SECONDS'];
const fullReadSetting = process.env['GATEWAY_CONFIG_FULL_READ_SECONDS'];

/**
 * The route store's SSM client, with its defaults mode given: left to itself, the SDK client's constructor looks
 * for `defaults_mode` in the shared config files at once, a file read at import (Lambda has no such files, and
 * `legacy` is what the SDK picks when nothing says otherwise).
 */
const ssm = new SSMProvider({ clientConfig: { defaultsMode: defaultsModeFrom(process.env['AWS_DEFAULTS_MODE']) } });

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
});

const streamingHandler: StreamingHandler = createFunctionUrlHandler(
  gateway,
  awslambda.HttpResponseStream as unknown as HttpResponseStreamFactory,
  (context) => {
    logger.addContext(context as Context);
    metrics.captureColdStartMetric();
  },
);

export const handler = awslambda.streamifyResponse(streamingHandler as Parameters<typeof awslambda.streamifyResponse>[0]);

function defaultsModeFrom(setting: string | undefined): 'standard' | 'in-region' | 'cross-region' | 'mobile' | 'auto' | 'legacy' {
  const modes = ['standard', 'in-region', 'cross-region', 'mobile', 'auto', 'legacy'] as const;
  return modes.find((mode) => mode === setting?.toLowerCase()) ?? 'legacy';
}
