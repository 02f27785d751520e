/**
 * The deployed gateway's routes: every parameter under an SSM prefix (see `parameter-layout.ts`), read with
 * Powertools parameters, held in memory and refreshed in the background.
 *
 * - A request never waits on SSM once a configuration is loaded: after the TTL the cached route table is still
 *   served while one background refresh runs (stale-while-revalidate).
 * - Only the cold start awaits the read. If it fails, or finds nothing usable, the request gets a 503
 *   `config_unavailable`, and the first request after a short backoff tries again.
 * - Each provider and model keeps its last-known-good version when its new value is bad
 *   (`merge-last-known-good.ts`); each bad value is logged once, naming the parameter and the reasons.
 * - An SSM outage (throttling, access denied, network, no answer) is logged once when it starts and once when
 *   it ends (`store-log.ts`).
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { ConfigSource } from '../core/config-source.js';
import { GatewayError } from '../domain/errors.js';
import { compileRouteTable, type RouteTable } from '../core/route-table.js';
import { EMPTY_KNOWN_GOOD, mergeLastKnownGood, toGatewayConfig, type KnownGoodConfig } from './merge-last-known-good.js';
import { normalizePrefix } from './parameter-layout.js';
import { OutageReporter, RejectionReporter, errorName, innermostMessage, type ConfigStoreLogger } from './store-log.js';

export type { ConfigStoreLogger } from './store-log.js';

export interface SsmConfigSourceOptions {
  /** Where the documents live, e.g. `/mantle-gateway`. */
  readonly prefix: string;
  /**
   * How long a read stays fresh. After it, the next request starts a background refresh and is itself answered
   * from the cache. A value that is not a number >= 0 falls back to the default, with a warning.
   * @default 5
   */
  readonly ttlSeconds?: number;
  readonly logger: ConfigStoreLogger;
  /**
   * Minimum wait between two reads while no configuration is loaded, so a burst of requests on a cold function
   * does not hammer SSM.
   * @default 1000
   */
  readonly coldRetryMs?: number;
  /**
   * How long one read of the prefix (all its pages) may take before it counts as failed. Without it a connection
   * that died while Lambda froze the environment could leave a read pending forever, and no refresh would start.
   * @default 10000
   */
  readonly readTimeoutMs?: number;
  /** @default a Powertools SSMProvider with the SDK's defaults (region, credentials, `AWS_ENDPOINT_URL_SSM`) */
  readonly ssm?: SSMProvider;
  /** Milliseconds since the epoch; injectable so tests control time. @default Date.now */
  readonly now?: () => number;
}

export interface SsmConfigSource extends ConfigSource {
  /** Resolves when no read is in flight: for tests, and for anything that wants the refresh it just caused. */
  settled(): Promise<void>;
}

const DEFAULT_TTL_SECONDS = 5;

/**
 * @example
 * const config = createSsmConfigSource({ prefix: '/mantle-gateway', logger: new Logger() });
 * const gateway = createAwsGateway({ config });
 */
export function createSsmConfigSource(options: SsmConfigSourceOptions): SsmConfigSource {
  return new SsmRouteStore(options);
}

class SsmRouteStore implements SsmConfigSource {
  private readonly prefix: string;
  private readonly log: ConfigStoreLogger;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly coldRetryMs: number;
  private readonly readTimeoutMs: number;
  private readonly ssm: SSMProvider;
  private readonly rejections: RejectionReporter;
  private readonly outage: OutageReporter;

  private known: KnownGoodConfig = EMPTY_KNOWN_GOOD;
  private lastRead: ReadonlyMap<string, string> | undefined;
  private table: RouteTable | undefined;
  private unavailable: GatewayError;
  private nextReadAt = 0;
  private inFlight: Promise<void> | undefined;

  constructor(options: SsmConfigSourceOptions) {
    this.prefix = normalizePrefix(options.prefix);
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    this.ttlMs = ttlMilliseconds(options.ttlSeconds, options.logger);
    this.coldRetryMs = options.coldRetryMs ?? 1000;
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.ssm = options.ssm ?? new SSMProvider();
    this.rejections = new RejectionReporter(this.log);
    this.outage = new OutageReporter(this.log, this.prefix, this.now);
    this.unavailable = noConfigYet(this.prefix, 'it has not been read yet');
  }

  routeTable(): RouteTable | Promise<RouteTable> {
    if (this.table) {
      if (this.now() >= this.nextReadAt) void this.startRead();
      return this.table;
    }
    return this.coldStart();
  }

  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async coldStart(): Promise<RouteTable> {
    if (!this.inFlight && this.now() < this.nextReadAt) throw this.unavailable;
    await this.startRead();
    if (this.table) return this.table;
    throw this.unavailable;
  }

  /** One read at a time: callers during a read share it. Never rejects. */
  private startRead(): Promise<void> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<void> {
    let fetched: Map<string, string> | undefined;
    try {
      fetched = await withDeadline(readPrefix(this.ssm, this.prefix), this.readTimeoutMs);
      this.outage.ended();
    } catch (error) {
      this.outage.failed(error, this.table !== undefined);
      if (!this.table) this.unavailable = noConfigYet(this.prefix, `reading SSM failed (${errorName(error)})`);
    }
    try {
      if (fetched) this.apply(fetched);
    } catch (error) {
      // A validated configuration always compiles; if it ever does not, keep serving what is there.
      this.log.error('Applying the route configuration read from SSM failed; keeping the previous one', {
        prefix: this.prefix,
        error: innermostMessage(error),
      });
    }
    this.nextReadAt = this.now() + (this.table ? this.ttlMs : this.coldRetryMs);
  }

  /** Merges a read into the last-known-good configuration; recompiles only when what is served changes. */
  private apply(fetched: ReadonlyMap<string, string>): void {
    if (this.lastRead && sameValues(this.lastRead, fetched)) return;
    const result = mergeLastKnownGood(this.known, fetched, this.prefix);
    this.rejections.report(result.rejected);
    this.lastRead = fetched;
    this.known = result.config;
    if (!this.table && this.known.models.size === 0) {
      this.unavailable = noConfigYet(this.prefix, describeEmpty(fetched.size, result.rejected.length));
      return;
    }
    if (this.table && !result.changed) return;
    this.table = compileRouteTable(toGatewayConfig(this.known));
    this.log.info('Route configuration loaded from SSM', {
      prefix: this.prefix,
      providers: this.known.providers.size,
      models: this.known.models.size,
      rejectedParameters: result.rejected.map((rejection) => rejection.name),
    });
  }
}

/** Every parameter under the prefix, full name to value; SecureStrings decrypted. */
async function readPrefix(ssm: SSMProvider, prefix: string): Promise<Map<string, string>> {
  // forceFetch: this store is the cache (with its own clock and stale-while-revalidate). Powertools' cache would
  // hand back its own copy until its maxAge, on the wall clock, and never caches an empty result.
  const values = await ssm.getMultiple(prefix, { recursive: true, decrypt: true, forceFetch: true });
  const fetched = new Map<string, string>();
  for (const [relativeName, value] of Object.entries(values ?? {})) {
    if (typeof value === 'string') fetched.set(`${prefix}/${relativeName}`, value);
  }
  return fetched;
}

/** Rejects with a `TimeoutError` if `work` has not settled within `ms`; a late result is dropped. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`SSM did not answer within ${ms} ms`);
      error.name = 'TimeoutError';
      reject(error);
    }, ms);
    timer.unref?.();
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function noConfigYet(prefix: string, reason: string): GatewayError {
  return new GatewayError(
    503,
    'config_unavailable',
    `The gateway has no usable route configuration yet: ${reason} (SSM prefix ${prefix}). It retries on the next request; an administrator should check the parameters and the function's logs.`,
    { code: 'config_unavailable' },
  );
}

function describeEmpty(parameterCount: number, rejectedCount: number): string {
  if (parameterCount === 0) return 'no parameters were found';
  if (rejectedCount > 0) return `no model passed validation (${rejectedCount} parameter${rejectedCount === 1 ? '' : 's'} rejected)`;
  return 'no models were found';
}

function ttlMilliseconds(ttlSeconds: number | undefined, log: ConfigStoreLogger): number {
  if (ttlSeconds === undefined) return DEFAULT_TTL_SECONDS * 1000;
  if (Number.isFinite(ttlSeconds) && ttlSeconds >= 0) return ttlSeconds * 1000;
  log.warn(`Route configuration TTL ${String(ttlSeconds)} is not a number of seconds >= 0; using ${DEFAULT_TTL_SECONDS}`);
  return DEFAULT_TTL_SECONDS * 1000;
}

function sameValues(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}
