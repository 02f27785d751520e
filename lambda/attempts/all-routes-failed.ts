import type { AttemptRecord, ErrorType } from '../domain/request-facts.js';
import { GatewayError, type GatewayErrorKind } from '../domain/errors.js';

/**
 * The one error a caller gets when every route failed: 429 when every attempt was throttled (the caller should
 * slow down), 504 when every attempt timed out, 503 when capacity or quota was part of it (try again later),
 * 502 otherwise (`upstream_unreachable` when no attempt got an answer). The message says what each region answered, never a secret or an internal name.
 */
export function allRoutesFailed(modelId: string, attempts: readonly AttemptRecord[], failures: readonly ErrorType[]): AllRoutesFailedError {
  const { status, kind, code } = classify(attempts, failures);
  const message = `Every route of ${JSON.stringify(modelId)} failed (${describeAttempts(attempts)}); try again later.`;
  return new AllRoutesFailedError(status, kind, message, code, attempts);
}

/** The gateway's error when every route failed; carries the attempts, which the gateway logs. */
export class AllRoutesFailedError extends GatewayError {
  constructor(status: number, kind: GatewayErrorKind, message: string, code: string, readonly attempts: readonly AttemptRecord[]) {
    super(status, kind, message, { code });
    this.name = 'AllRoutesFailedError';
  }
}

function classify(attempts: readonly AttemptRecord[], failures: readonly ErrorType[]): { status: number; kind: GatewayErrorKind; code: string } {
  if (failures.every((failure) => failure === 'rate_limited')) return { status: 429, kind: 'rate_limited', code: 'rate_limit_exceeded' };
  if (failures.every((failure) => failure === 'upstream_timeout')) return { status: 504, kind: 'upstream_timeout', code: 'upstream_timeout' };
  const busy = failures.includes('rate_limited') || attempts.some((attempt) => 'status' in attempt && attempt.status === 503);
  if (busy) return { status: 503, kind: 'upstream_unavailable', code: 'upstream_unavailable' };
  if (failures.every((failure) => failure === 'upstream_unreachable')) return { status: 502, kind: 'upstream_unreachable', code: 'upstream_unreachable' };
  return { status: 502, kind: 'upstream_error', code: 'upstream_failed' };
}

/** `us-east-2: 503, 503; us-west-2: unreachable` */
function describeAttempts(attempts: readonly AttemptRecord[]): string {
  const byRegion = new Map<string, string[]>();
  for (const attempt of attempts) {
    const outcomes = byRegion.get(attempt.region) ?? [];
    outcomes.push('status' in attempt ? String(attempt.status) : attempt.error.replace('upstream_', ''));
    byRegion.set(attempt.region, outcomes);
  }
  return [...byRegion].map(([region, outcomes]) => `${region}: ${outcomes.join(', ')}`).join('; ') || 'no attempt could start in time';
}
