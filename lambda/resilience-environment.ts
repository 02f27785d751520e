import type { RetrySettings } from './attempts/retry-settings.js';

/** The environment variables the deploy settings become (see lib/gateway-function.ts and the README's table). */
export const RESILIENCE_VARIABLES = {
  attemptsPerRoute: 'GATEWAY_RETRY_ATTEMPTS_PER_ROUTE',
  baseDelayMs: 'GATEWAY_RETRY_BASE_DELAY_MS',
  budgetSeconds: 'GATEWAY_RETRY_BUDGET_SECONDS',
  cooldownSeconds: 'GATEWAY_ROUTE_COOLDOWN_SECONDS',
  idleTimeoutSeconds: 'GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS',
} as const;

export interface ResilienceSettings {
  readonly retry: Partial<RetrySettings>;
  readonly streamIdleTimeoutMs?: number;
}

/**
 * Reads the retry and watch settings from the environment. A missing or malformed value keeps the documented
 * default rather than breaking every request: the deploy settings already validated what the stack sets.
 */
export function resilienceFromEnvironment(env: NodeJS.ProcessEnv = process.env): ResilienceSettings {
  const read = (name: string, min: number, scale = 1): number | undefined => {
    const raw = env[name];
    if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
    const value = Number(raw);
    return value >= min ? value * scale : undefined;
  };
  const retry: Record<string, number> = {};
  const put = (key: keyof RetrySettings, value: number | undefined): void => {
    if (value !== undefined) retry[key] = value;
  };
  put('attemptsPerRoute', read(RESILIENCE_VARIABLES.attemptsPerRoute, 1));
  put('baseDelayMs', read(RESILIENCE_VARIABLES.baseDelayMs, 0));
  put('budgetMs', read(RESILIENCE_VARIABLES.budgetSeconds, 0, 1000));
  put('cooldownMs', read(RESILIENCE_VARIABLES.cooldownSeconds, 0, 1000));
  const idle = read(RESILIENCE_VARIABLES.idleTimeoutSeconds, 1, 1000);
  return { retry, ...(idle !== undefined ? { streamIdleTimeoutMs: idle } : {}) };
}
