/**
 * What the SSM store tells operators, and how often: each rejected parameter once per distinct bad value, an SSM
 * outage once when it starts and once when it ends. A store that logged per request would drown the reason.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RejectedParameter } from './merge-last-known-good.js';

/** A Powertools Logger, or anything with the same three methods. */
export type ConfigStoreLogger = Pick<Logger, 'error' | 'warn' | 'info'>;

/** Logs each rejected parameter once per distinct bad value (and again if it goes bad again after a fix). */
export class RejectionReporter {
  private reported = new Map<string, string>();

  constructor(private readonly log: ConfigStoreLogger) {}

  report(rejected: readonly RejectedParameter[]): void {
    const current = new Map<string, string>();
    for (const rejection of rejected) {
      const signature = `${rejection.raw}\n${rejection.reasons.join('\n')}`;
      current.set(rejection.name, signature);
      if (this.reported.get(rejection.name) === signature) continue;
      this.log.error('SSM parameter rejected', {
        parameter: rejection.name,
        reasons: rejection.reasons,
        serving:
          rejection.serving === 'previous'
            ? 'the last-known-good version'
            : `nothing: this ${rejection.kind === 'models' ? 'model' : 'provider'} is unavailable until the parameter is fixed`,
      });
    }
    this.reported = current;
  }
}

/** Logs an SSM outage once when it starts and once when it ends, however many reads fail in between. */
export class OutageReporter {
  private since: number | undefined;
  private failures = 0;

  constructor(
    private readonly log: ConfigStoreLogger,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  failed(error: unknown, serving: boolean): void {
    this.failures += 1;
    if (this.since !== undefined) return;
    this.since = this.now();
    this.log.error(
      serving
        ? 'Reading the route configuration from SSM failed; serving the cached configuration and retrying in the background'
        : 'Reading the route configuration from SSM failed; no configuration is loaded yet, requests get 503 until a read succeeds',
      { prefix: this.prefix, error: errorName(error), cause: innermostMessage(error) },
    );
  }

  ended(): void {
    if (this.since === undefined) return;
    this.log.info('Reading the route configuration from SSM works again', {
      prefix: this.prefix,
      outageMs: this.now() - this.since,
      failedReads: this.failures,
    });
    this.since = undefined;
    this.failures = 0;
  }
}

/**
 * The SDK error's name (`ThrottlingException`, `AccessDeniedException`), with the network code if any, never
 * its message: safe to show callers.
 */
export function errorName(error: unknown): string {
  const inner = innermost(error);
  if (!(inner instanceof Error)) return 'unknown error';
  const code = (inner as { code?: unknown }).code;
  return typeof code === 'string' ? `${inner.name} ${code}` : inner.name;
}

/** The innermost message, for the log only (an access-denied message names the role). */
export function innermostMessage(error: unknown): string {
  const inner = innermost(error);
  return inner instanceof Error ? inner.message : String(inner);
}

/** The SDK error's name alone (`ParameterNotFound`, `ThrottlingException`), or undefined. */
export function innermostErrorName(error: unknown): string | undefined {
  const inner = innermost(error);
  return inner instanceof Error ? inner.name : undefined;
}

/** Powertools wraps the SDK's error in a GetParameterError: the cause is the one that says what happened. */
function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current;
}
