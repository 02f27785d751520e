/**
 * A small client for AWS services that speak the awsJson1_1 protocol (`POST /`, `X-Amz-Target: <prefix>.<Operation>`,
 * a JSON body each way), signed with the gateway's own SigV4 signer. The Lambda's SSM reads go through it instead of
 * the AWS SDK's client, whose module graph was most of the bundle's init time (docs/adr/0008-lean-lambda-bundle.md).
 *
 * It behaves like the SDK where the callers depend on it:
 * - the endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the regional endpoint
 *   (`AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` honoured); `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
 *   ignores the two variables. The region is `AWS_REGION`, else `AWS_DEFAULT_REGION`.
 * - errors are {@link AwsServiceError}s named after the service's error type (`ThrottlingException`,
 *   `AccessDeniedException`, `ParameterNotFound`), with `$fault` and `$metadata`;
 * - throttling, 5xx answers and dropped connections are retried with full-jitter backoff, at most `maxAttempts`
 *   calls in all (the SDK's standard mode: 3 attempts, 100 ms base, 500 ms base for throttling, 20 s cap).
 * Connections are kept alive and reused; a connection a frozen environment let the server close is a retryable
 * network error, as in the SDK.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { UpstreamRequest } from '../upstream/upstream-request.js';

/** Adds SigV4 headers for the client's service to a request (the gateway's `MantleSigner` with its service set). */
export interface RequestSigner {
  sign(request: UpstreamRequest, region: string): void | Promise<void>;
}

type Environment = Readonly<Record<string, string | undefined>>;

export interface AwsJsonClientOptions {
  /** The endpoint prefix and the `AWS_ENDPOINT_URL_<SERVICE>` suffix, e.g. `ssm`. */
  readonly service: string;
  /** The `X-Amz-Target` prefix, e.g. `AmazonSSM`. */
  readonly targetPrefix: string;
  /** Signs for the service. */
  readonly signer: RequestSigner;
  /** @default AWS_REGION, else AWS_DEFAULT_REGION */
  readonly region?: string;
  /** @default from the environment, as described above */
  readonly endpoint?: string;
  /** Calls per operation, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** One call's time limit (no answer, or a socket silent that long), after which it fails as retryable. @default 10000 */
  readonly attemptTimeoutMs?: number;
  /** @default process.env */
  readonly env?: Environment;
  /** Backoff jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** An error answer of the service, named after its error type, as the SDK's service exceptions are. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string; attempts: number };

  constructor(type: string, message: string, status: number, requestId: string | undefined) {
    super(message);
    this.name = type;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, ...(requestId !== undefined ? { requestId } : {}), attempts: 1 };
  }
}

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED']);
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

export class AwsJsonClient {
  /** Where calls go; undefined when neither an endpoint nor a region is known (each call then fails, naming AWS_REGION). */
  readonly endpoint: URL | undefined;
  private readonly region: string | undefined;
  private readonly agent: HttpAgent;
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly random: () => number;

  constructor(private readonly options: AwsJsonClientOptions) {
    const env = options.env ?? process.env;
    this.region = options.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']);
    const configured = options.endpoint ?? configuredEndpoint(options.service, env);
    this.endpoint = configured !== undefined ? new URL(configured) : this.region ? new URL(regionalEndpoint(options.service, this.region, env)) : undefined;
    this.agent = this.endpoint?.protocol === 'http:' ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true });
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  /**
   * Calls one operation and returns its parsed answer.
   * @throws AwsServiceError for an error answer; the network error (with its `code`) when no answer came
   */
  async call(operation: string, input: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(operation, body);
      } catch (error) {
        if (error instanceof AwsServiceError) error.$metadata.attempts = attempt;
        if (attempt >= this.maxAttempts || !isRetryable(error)) throw error;
        const base = error instanceof AwsServiceError && THROTTLING_ERRORS.has(error.name) ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
        await sleep(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
      }
    }
  }

  private async attempt(operation: string, body: string): Promise<Record<string, unknown>> {
    if (!this.region || !this.endpoint) {
      throw named('RegionMissingError', `The ${this.options.service} client needs a region: set AWS_REGION`);
    }
    const request: UpstreamRequest = {
      method: 'POST',
      url: this.endpoint,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${this.options.targetPrefix}.${operation}` },
      body,
    };
    await this.options.signer.sign(request, this.region);
    const answer = await post(request, this.agent, this.attemptTimeoutMs);
    if (answer.status >= 200 && answer.status < 300) return parseObject(answer.text) ?? {};
    throw serviceError(answer);
  }
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: IncomingMessage['headers'];
}

function post(request: UpstreamRequest, agent: HttpAgent, timeoutMs: number): Promise<Answer> {
  const send = request.url.protocol === 'http:' ? httpRequest : httpsRequest;
  const body = request.body ?? '';
  return new Promise((resolve, reject) => {
    const outgoing = send(request.url, { method: request.method, agent, headers: { ...request.headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
      response.on('error', reject);
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(named('TimeoutError', `${request.url.host} did not answer within ${timeoutMs} ms`, 'ETIMEDOUT')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** awsJson1_1 errors: `__type` (maybe `namespace#Type`, maybe with a `:` suffix) or the `x-amzn-errortype` header. */
function serviceError(answer: Answer): AwsServiceError {
  const parsed = parseObject(answer.text);
  const header = answer.headers['x-amzn-errortype'];
  const raw = (typeof parsed?.['__type'] === 'string' ? parsed['__type'] : undefined) ?? (typeof header === 'string' ? header : undefined);
  const type = raw?.split(':')[0]?.split('#').pop() || (answer.status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message = parsed?.['message'] ?? parsed?.['Message'];
  const requestId = answer.headers['x-amzn-requestid'];
  return new AwsServiceError(type, typeof message === 'string' ? message : `the service answered ${answer.status}`, answer.status, typeof requestId === 'string' ? requestId : undefined);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof AwsServiceError) {
    const status = error.$metadata.httpStatusCode;
    return THROTTLING_ERRORS.has(error.name) || status === 429 || (status >= 500 && status !== 501);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_ERRORS.has(code);
}

function configuredEndpoint(service: string, env: Environment): string | undefined {
  if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']?.toLowerCase() === 'true') return undefined;
  return nonEmpty(env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]) ?? nonEmpty(env['AWS_ENDPOINT_URL']);
}

function regionalEndpoint(service: string, region: string, env: Environment): string {
  const fips = env['AWS_USE_FIPS_ENDPOINT']?.toLowerCase() === 'true' ? '-fips' : '';
  const china = region.startsWith('cn-');
  const dualstack = env['AWS_USE_DUALSTACK_ENDPOINT']?.toLowerCase() === 'true';
  const suffix = dualstack ? (china ? 'api.amazonwebservices.com.cn' : 'api.aws') : china ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${service}${fips}.${region}.${suffix}/`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.length === 0) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function named(name: string, message: string, code?: string): Error {
  const error = new Error(message);
  error.name = name;
  if (code !== undefined) (error as Error & { code?: string }).code = code;
  return error;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
