/**
 * What the stages learn about one request, for the request record (`lambda/observe/`). A plain mutable object:
 * each stage fills what it knows (auth the caller, resolve the model, attempts the upstream calls, watch the
 * usage) and what it leaves out stays absent in the record. Nothing here is a secret: a caller is an id or an
 * ARN, never a key.
 */

/** Who called: a gateway API key (its id, never the key), a verified IAM principal, or nobody known. */
export type Caller = { readonly type: 'key'; readonly id: string } | { readonly type: 'iam'; readonly arn: string } | { readonly type: 'anonymous' };

/**
 * The closed set of `error.type` values in the record and of the `errorType` metric dimension. Dashboards and
 * alarms name them, so a new one is an interface change (README "Request records").
 */
export const ERROR_TYPES = [
  'invalid_request',
  'authentication',
  'permission_denied',
  'not_found',
  'rate_limited',
  'upstream_error',
  'upstream_unreachable',
  'upstream_timeout',
  'stream_idle_timeout',
  'stream_interrupted',
  'config_unavailable',
  'client_gone',
  'internal',
] as const;

export type ErrorType = (typeof ERROR_TYPES)[number];

/** The error types that answer (or end) a request as a server-side failure: what the 5xx alarm counts. */
export const SERVER_ERROR_TYPES: readonly ErrorType[] = [
  'upstream_error',
  'upstream_unreachable',
  'upstream_timeout',
  'stream_idle_timeout',
  'stream_interrupted',
  'config_unavailable',
  'internal',
];

/** One upstream call: the HTTP status Mantle answered with, or the error type when no answer came. */
export type AttemptRecord =
  | { readonly region: string; readonly status: number; readonly ms: number }
  | { readonly region: string; readonly error: ErrorType; readonly ms: number };

export interface RouteRecord {
  /** The provider id of the route's provider. */
  readonly provider: string;
  readonly region: string;
  readonly upstreamModel: string;
  readonly apiStyle: string;
}

/** Token counts as the answer reports them; a count the answer does not report stays absent. */
export interface UsageRecord {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface ErrorRecord {
  readonly type: ErrorType;
  readonly message: string;
  /** Mantle's `x-request-id` response header, else its `x-amzn-requestid`. */
  readonly upstreamRequestId?: string;
}

/** Mantle's `x-amzn-usage-reservation-*` response headers, as numbers where they are numbers. */
export interface QuotaRecord {
  readonly reserved?: number | string;
  readonly remaining?: number | string;
  readonly spillover?: number | string;
}

/** The per-request facts the stages fill. Only `attempts` is always there (empty until an upstream call). */
export interface RequestFacts {
  /** `chat_completions`, `responses`, `responses_get`, `messages`, `count_tokens`, `models`... */
  endpoint?: string;
  /** The gateway model id the caller sent. */
  model?: string;
  /** True when `model` is one the configuration has (false keeps metric dimensions bounded: "unknown"). */
  modelConfigured?: boolean;
  stream?: boolean;
  /** @default { type: 'anonymous' } in the record */
  caller?: Caller;
  /** The route of the last attempt. */
  route?: RouteRecord;
  readonly attempts: AttemptRecord[];
  /** True when an attempt other than the first route's answered. @default false in the record */
  fallback?: boolean;
  configRevision?: string;
  /** Token counts of the answer; the record stage reads them from the answer unless a stage set them. */
  usage?: UsageRecord;
  /** The first failure wins: a stage that knows better (a stall) sets it before the record stage looks. */
  error?: ErrorRecord;
  /** Mantle's request id of the last attempt, for `error.upstreamRequestId`. */
  upstreamRequestId?: string;
  quota?: QuotaRecord;
}

export function newRequestFacts(): RequestFacts {
  return { attempts: [] };
}
