/**
 * How hard the attempt stage tries before the caller gets an error. Deploy settings (`cdk.json`) become environment
 * variables on the function and then these options; a route's `max_attempts` overrides `attemptsPerRoute`.
 */
export interface RetrySettings {
  /** Tries of one route before the next route takes over. @default 3 */
  readonly attemptsPerRoute: number;
  /** The first backoff's upper bound; each retry doubles it, and the wait is drawn uniformly below it (full jitter). @default 250 */
  readonly baseDelayMs: number;
  /**
   * Time from the first attempt after which no new attempt starts and no backoff waits: the bound on what
   * retries and fallback add. An attempt already in flight still runs to its first-byte timeout. @default 30000
   */
  readonly budgetMs: number;
  /** A route whose every attempt of a request failed is skipped this long by this environment. @default 30000 */
  readonly cooldownMs: number;
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = {
  attemptsPerRoute: 3,
  baseDelayMs: 250,
  budgetMs: 30_000,
  cooldownMs: 30_000,
};
