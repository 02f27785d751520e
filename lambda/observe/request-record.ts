/**
 * The request record: one log line per request (`"message": "request"`), the interface dashboards, alarms and
 * admins' Logs Insights queries read. Field names are a contract (README "Request records").
 */
import type { AttemptRecord, Caller, ErrorRecord, QuotaRecord, RequestFacts, RouteRecord, UsageRecord } from '../domain/request-facts.js';
import type { Invocation } from '../domain/invocation.js';

export interface RequestRecord {
  readonly requestId: string;
  readonly caller: Caller;
  readonly endpoint: string;
  readonly model?: string;
  readonly route?: RouteRecord;
  readonly status: number;
  readonly stream: boolean;
  readonly attempts: readonly AttemptRecord[];
  readonly fallback: boolean;
  readonly latencyMs: number;
  readonly ttfbMs?: number;
  readonly bytesOut: number;
  readonly usage?: UsageRecord;
  readonly error?: ErrorRecord;
  readonly configRevision?: string;
  readonly clientGone?: boolean;
  readonly quota?: QuotaRecord;
}

/** How the answer went out, as the record stage measured it. */
export interface Delivery {
  readonly status: number;
  readonly endedAt: number;
  readonly firstByteAt?: number;
  readonly bytesOut: number;
  /** True when the caller stopped reading (cancelled the body) or the adapter saw the caller leave. */
  readonly clientGone?: boolean;
}

/** Where records go: the logger and the metrics. `model` is the bounded metric dimension. */
export interface RequestRecordSink {
  write(record: RequestRecord, dimensions: { readonly model: string }): void;
}

/** Assembles the record; absent facts stay absent, defaults as documented. */
export function buildRecord(facts: RequestFacts, invocation: Invocation, delivery: Delivery): RequestRecord {
  const caller: Caller = facts.caller ?? (invocation.iamCallerArn ? { type: 'iam', arn: invocation.iamCallerArn } : { type: 'anonymous' });
  return {
    requestId: invocation.requestId,
    caller,
    endpoint: facts.endpoint ?? 'unknown',
    ...(facts.model !== undefined ? { model: facts.model } : {}),
    ...(facts.route ? { route: facts.route } : {}),
    status: delivery.status,
    stream: facts.stream ?? false,
    attempts: facts.attempts,
    fallback: facts.fallback ?? false,
    latencyMs: round(delivery.endedAt - invocation.receivedAt),
    ...(delivery.firstByteAt !== undefined ? { ttfbMs: round(delivery.firstByteAt - invocation.receivedAt) } : {}),
    bytesOut: delivery.bytesOut,
    ...(facts.usage ? { usage: facts.usage } : {}),
    ...(facts.error ? { error: facts.error } : {}),
    ...(facts.configRevision !== undefined ? { configRevision: facts.configRevision } : {}),
    ...(delivery.clientGone !== undefined ? { clientGone: delivery.clientGone } : {}),
    ...(facts.quota ? { quota: facts.quota } : {}),
  };
}

/** The `model` metric dimension: configured ids as they are, anything else "unknown", none named "none". */
export function metricModel(facts: RequestFacts): string {
  if (facts.model === undefined) return 'none';
  return facts.modelConfigured ? facts.model : 'unknown';
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
