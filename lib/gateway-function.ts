/**
 * The gateway function: Node.js 22 on arm64, bundled by the local esbuild as one ESM file, behind a function URL
 * that streams (`RESPONSE_STREAM`), with its own log group and a role that can do only what the gateway does.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Architecture, FunctionUrlAuthType, HttpMethod, InvokeMode, Runtime, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CallerAuthMode } from './deploy-settings.js';
import { GatewayRole } from './gateway-role.js';

/** The project root: `lib/..`. Bundling and the lock file are resolved from here, not from the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The runtime the bundle targets and the runtime-client test runs on; change all three together. */
export const GATEWAY_RUNTIME = Runtime.NODEJS_22_X;
export const GATEWAY_ESBUILD_TARGET = 'node22';

/** Lambda's maximum, and the longest a single streamed answer can last. */
export const MAX_TIMEOUT = Duration.minutes(15);

/**
 * How long the gateway waits for Mantle's response headers (`GATEWAY_UPSTREAM_TIMEOUT_MS`): the gateway's own
 * default (10 minutes), but always 10 s short of the function timeout, so a slow upstream gets the gateway's 504
 * rather than Lambda's hard stop with no body.
 */
export function upstreamHeadersTimeoutMs(timeout: Duration): number {
  return Math.min(600, timeout.toSeconds() - 10) * 1000;
}

/**
 * Headers a browser may send, for when CORS is on. A browser names in its preflight every header that is neither
 * CORS-safelisted nor its own, and the function URL refuses the request unless each is listed here. Listed
 * explicitly: a `*` would not cover `authorization`, and the URL accepts at most 100 names. What the official SDKs
 * send (test/cdk/cors-sdk-headers.test.ts records it): auth (`authorization`, `x-api-key`), `content-type`,
 * Anthropic's `anthropic-version`, `anthropic-beta` and `anthropic-dangerous-direct-browser-access`, OpenAI's
 * `openai-organization` and `openai-project` (the gateway drops both before Mantle), `user-agent`, and the
 * Stainless telemetry headers; plus SigV4's headers for `iam` mode.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'content-type',
  'authorization',
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'openai-organization',
  'openai-project',
  'user-agent',
  'x-stainless-arch',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-retry-count',
  'x-stainless-timeout',
  'x-stainless-helper',
  'x-stainless-helper-method',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/**
 * Response headers a browser script may read beyond the safelisted ones: the request ids the SDKs attach to
 * errors (`x-request-id`, Anthropic's `request-id`) and the retry hints they follow.
 */
export const CORS_EXPOSED_HEADERS: readonly string[] = ['x-request-id', 'request-id', 'retry-after', 'retry-after-ms', 'x-should-retry'];

/**
 * In Lambda the role's credentials are in the environment, so the bundle carries only that link of the default
 * chain: every import of `@aws-sdk/credential-provider-node` (the gateway's signer, the SSM client) gets
 * lambda/lambda-credentials.ts instead, which saves about 135 KB and their init time (docs/adr, "lean Lambda bundle").
 */
export const LAMBDA_CREDENTIALS_ALIAS = `@aws-sdk/credential-provider-node=${fileURLToPath(new URL('../lambda/lambda-credentials.ts', import.meta.url))}`;

/**
 * A banner that gives the ESM bundle a `require`, for the CommonJS dependencies esbuild inlines (the AWS SDK's
 * dependencies still call `require('buffer')` and friends).
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __gatewayCreateRequire } from 'node:module'; const require = __gatewayCreateRequire(import.meta.url);";

export interface GatewayFunctionProps {
  /** Route-config prefix in SSM (`GATEWAY_SSM_PREFIX`). */
  readonly ssmPrefix: string;
  /**
   * `iam` puts `AWS_IAM` on the URL and the gateway applies the principal documents to the verified caller;
   * `api_key` puts `NONE` on the URL and the gateway requires a gateway API key on every request
   * (`GATEWAY_AUTH_MODE`).
   */
  readonly authMode: CallerAuthMode;
  /** Regions of the Mantle endpoints the routes target (IAM). */
  readonly mantleRegions: readonly string[];
  /** SecureString bearer token parameters the routes name (IAM). @default [] */
  readonly bearerTokenParameters?: readonly string[];
  /** @default the AWS managed `aws/ssm` key */
  readonly secureStringKeyArn?: string;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** Bounds a whole streamed answer. @default 15 minutes */
  readonly timeout?: Duration;
  /** @default none (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Origins for the URL's CORS. @default [] (no CORS) */
  readonly corsOrigins?: readonly string[];
  /** `GATEWAY_CONFIG_TTL_SECONDS`. @default 5 */
  readonly configTtlSeconds?: number;
  /** Retry, fallback and stream-watch settings as environment variables (lib/resilience-environment.ts). @default {} (the gateway's defaults) */
  readonly resilienceEnvironment?: Readonly<Record<string, string>>;
  /** `GATEWAY_CONFIG_FULL_READ_SECONDS`: the safety-net full read. @default 300 */
  readonly configFullReadSeconds?: number;
  /** Identifies the deployment in the function's description. @default 'prod' */
  readonly stage?: string;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: string;
  /** The handler module. @default lambda/handler.ts (export `handler`) */
  readonly entry?: string;
}

export class GatewayFunction extends Construct {
  readonly function: NodejsFunction;
  readonly url: FunctionUrl;
  readonly logGroup: LogGroup;
  readonly gatewayRole: GatewayRole;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? MAX_TIMEOUT;
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention ?? 30 });
    this.gatewayRole = new GatewayRole(this, 'Role', {
      ssmPrefix: props.ssmPrefix,
      mantleRegions: props.mantleRegions,
      bearerTokenParameters: props.bearerTokenParameters ?? [],
      ...(props.secureStringKeyArn ? { secureStringKeyArn: props.secureStringKeyArn } : {}),
      logGroup: this.logGroup,
    });

    this.function = new NodejsFunction(this, 'Function', {
      description: `mantle-gateway (${props.stage ?? 'prod'}): OpenAI/Anthropic-shaped API in front of Amazon Bedrock Mantle`,
      entry: props.entry ?? fileURLToPath(new URL('../lambda/handler.ts', import.meta.url)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      runtime: GATEWAY_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 512,
      timeout,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: this.gatewayRole.role,
      logGroup: this.logGroup,
      environment: {
        GATEWAY_SSM_PREFIX: props.ssmPrefix,
        GATEWAY_CONFIG_TTL_SECONDS: String(props.configTtlSeconds ?? 5),
        GATEWAY_AUTH_MODE: props.authMode,
        GATEWAY_CONFIG_FULL_READ_SECONDS: String(props.configFullReadSeconds ?? 300),
        GATEWAY_UPSTREAM_TIMEOUT_MS: String(upstreamHeadersTimeoutMs(timeout)),
        ...props.resilienceEnvironment,
        POWERTOOLS_SERVICE_NAME: 'mantle-gateway',
        // The `stage` dimension of the gateway's metrics (namespace MantleGateway).
        GATEWAY_STAGE: props.stage ?? 'prod',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: GATEWAY_ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        esbuildArgs: { '--alias': LAMBDA_CREDENTIALS_ALIAS },
        // Bundle the SDK too: the pinned versions run, not whichever the runtime ships, and the asset runs as-is
        // outside Lambda (the runtime-client test).
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });

    const origins = props.corsOrigins ?? [];
    this.url = this.function.addFunctionUrl({
      authType: props.authMode === 'iam' ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      ...(origins.length > 0
        ? {
            cors: {
              allowedOrigins: [...origins],
              allowedMethods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE],
              allowedHeaders: [...CORS_ALLOWED_HEADERS],
              exposedHeaders: [...CORS_EXPOSED_HEADERS],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
  }
}
