/**
 * The store's intervals, validated once: the TTL of a freshness check, the safety net of the full read, and
 * their jitter. Jitter only ever shortens an interval (0.8-1 x), so a fleet does not poll in lockstep and no
 * check is pushed past the staleness bound.
 */
import type { ConfigStoreLogger } from './store-log.js';

/** `GATEWAY_CONFIG_TTL_SECONDS`. @default 5 */
export const DEFAULT_TTL_SECONDS = 5;
/** `GATEWAY_CONFIG_FULL_READ_SECONDS`. @default 300 */
export const DEFAULT_FULL_READ_SECONDS = 300;
/** The safety net is never shorter: more often would bring back the cost the marker removes. */
export const MIN_FULL_READ_SECONDS = 60;

const JITTER_SHARE = 0.2;

/** `ms` shortened by up to a fifth, at random. */
export function jittered(ms: number, random: () => number): number {
  return ms * (1 - JITTER_SHARE * random());
}

export function ttlMilliseconds(ttlSeconds: number | undefined, log: ConfigStoreLogger): number {
  if (ttlSeconds === undefined) return DEFAULT_TTL_SECONDS * 1000;
  if (Number.isFinite(ttlSeconds) && ttlSeconds >= 0) return ttlSeconds * 1000;
  log.warn(`Route configuration TTL ${String(ttlSeconds)} is not a number of seconds >= 0; using ${DEFAULT_TTL_SECONDS}`);
  return DEFAULT_TTL_SECONDS * 1000;
}

export function fullReadMilliseconds(seconds: number | undefined, log: ConfigStoreLogger): number {
  if (seconds === undefined) return DEFAULT_FULL_READ_SECONDS * 1000;
  if (!Number.isFinite(seconds)) {
    log.warn(`Full-read interval ${String(seconds)} is not a number of seconds; using ${DEFAULT_FULL_READ_SECONDS}`);
    return DEFAULT_FULL_READ_SECONDS * 1000;
  }
  if (seconds < MIN_FULL_READ_SECONDS) {
    log.warn(`Full-read interval ${seconds} s is below the minimum; using ${MIN_FULL_READ_SECONDS}`);
    return MIN_FULL_READ_SECONDS * 1000;
  }
  return seconds * 1000;
}
