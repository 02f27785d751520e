import type { Doc, IssueList } from './document-reader.js';
import type { RouteResilience } from './types.js';

/** Route keys that tune retries, fallback order and the stream watch for one route. */
export const RESILIENCE_KEYS = ['priority', 'weight', 'max_attempts', 'stream_idle_timeout_seconds'] as const;

interface Bound {
  readonly min: number;
  readonly max: number;
  readonly hint: string;
}

const BOUNDS: Record<(typeof RESILIENCE_KEYS)[number], Bound> = {
  priority: { min: 0, max: 1000, hint: 'a whole number, lower is tried first' },
  weight: { min: 1, max: 1000, hint: 'a whole number; shares load among routes of equal priority' },
  max_attempts: { min: 1, max: 10, hint: 'a whole number of tries of this route before the next one takes over' },
  stream_idle_timeout_seconds: { min: 1, max: 900, hint: 'a whole number of seconds without bytes before the stream is given up' },
};

/**
 * Reads a route's optional resilience fields. Each is a bounded whole number; a value outside the bounds is an
 * admin's mistake worth stopping at `cdk synth` rather than a surprise at 3 a.m.
 */
export function readRouteResilience(doc: Doc, where: string, issues: IssueList): RouteResilience {
  const settings: Record<string, number> = {};
  for (const key of RESILIENCE_KEYS) {
    const value = doc[key];
    if (value === undefined || value === null) continue;
    const { min, max, hint } = BOUNDS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      issues.add(where, `${key} must be between ${min} and ${max} (${hint}), got ${JSON.stringify(value)}`);
      continue;
    }
    settings[key] = value;
  }
  return settings as RouteResilience;
}
