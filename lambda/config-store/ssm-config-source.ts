/**
 * The deployed gateway's configuration: the documents under an SSM prefix (see `parameter-layout.ts`), held in
 * memory and kept fresh with one cheap call per TTL (docs/adr/0004-revision-marker-freshness.md).
 *
 * - Fresh (younger than the TTL, jittered to 0.8-1 x): a request is answered from memory, no I/O.
 * - Older: the request waits for a freshness check, `GetParameter <prefix>/revision`, at most `checkDeadlineMs`.
 *   Only when the marker's value changed, at cold start, and as a safety net every `fullReadSeconds` does the
 *   check read every document (`GetParametersByPath` per sub-path, all pages). A prefix without a marker is
 *   read in full on every check.
 * - SSM slow, throttled or down: the request is served from the last-known-good configuration; the outage is
 *   logged once when it starts and once when it ends (`store-log.ts`). A check that misses its deadline carries
 *   on and its result serves later requests.
 * - Cold start: the request waits for the full read. Throttling is retried with backoff and jitter for at most
 *   `coldStartBudgetMs`; then, or on any other failure, or with nothing usable, it gets a 503
 *   `config_unavailable`, and the first request after `coldRetryMs` tries again.
 * - Each provider and model keeps its last-known-good version when its new value is bad
 *   (`merge-last-known-good.ts`); each bad value is logged once, naming the parameter and the reasons. Documents
 *   of the other kinds are passed on raw (`ConfigSnapshot.documents`) for their stage to validate, fail closed.
 * - Lambda freezes: deadlines are measured in running time (`deadline.ts`), and a check still pending from
 *   before a freeze is abandoned, never logged, and replaced by a new one.
 */
import { SsmClient, type SsmReader } from '../aws/ssm-client.js';
import { NO_DOCUMENTS, type ConfigSnapshot, type ConfigSource } from '../core/config-source.js';
import { compileRouteTable, type RouteTable } from '../core/route-table.js';
import { GatewayError } from '../domain/errors.js';
import { monotonicNow, sleep, withDeadline, type MonotonicClock } from './deadline.js';
import { EMPTY_KNOWN_GOOD, mergeLastKnownGood, toGatewayConfig, type KnownGoodConfig } from './merge-last-known-good.js';
import { LAYOUT_PATHS, normalizePrefix, revisionParameterName, type LayoutPath } from './parameter-layout.js';
import { readLayout, readRevisionMarker, type LayoutRead } from './read-layout.js';
import { fullReadMilliseconds, jittered, ttlMilliseconds } from './refresh-timing.js';
import { OutageReporter, RejectionReporter, errorName, innermostErrorName, innermostMessage, type ConfigStoreLogger } from './store-log.js';

export type { ConfigStoreLogger } from './store-log.js';

export interface SsmConfigSourceOptions {
  /** Where the documents live, e.g. `/mantle-gateway`. */
  readonly prefix: string;
  /**
   * How long a check stays fresh (`GATEWAY_CONFIG_TTL_SECONDS`). Each interval is jittered to 0.8-1 x, never
   * more. A value that is not a number >= 0 falls back to the default, with a warning.
   * @default 5
   */
  readonly ttlSeconds?: number;
  /**
   * The safety net (`GATEWAY_CONFIG_FULL_READ_SECONDS`): every document is re-read at least this often, so a
   * missed marker update heals by itself. At least 60; a smaller value is raised to 60, with a warning.
   * @default 300
   */
  readonly fullReadSeconds?: number;
  readonly logger: ConfigStoreLogger;
  /**
   * How long a request waits for the freshness check (the marker, plus the full read when it changed) before it
   * is served from the cache.
   * @default 1000
   */
  readonly checkDeadlineMs?: number;
  /** How long a cold start keeps retrying a throttled read (backoff with full jitter) before its 503. @default 3000 */
  readonly coldStartBudgetMs?: number;
  /**
   * Minimum wait between two reads while no configuration is loaded, so a burst of requests on a cold function
   * does not hammer SSM.
   * @default 1000
   */
  readonly coldRetryMs?: number;
  /**
   * How long one check (marker and documents) may take, in running time, before it counts as failed, so a
   * connection that died does not leave it pending forever.
   * @default 10000
   */
  readonly readTimeoutMs?: number;
  /**
   * @default the gateway's own SSM client (`lambda/aws/ssm-client.ts`) with the SDK's defaults: region, credential
   * chain, `AWS_ENDPOINT_URL_SSM`, three attempts
   */
  readonly ssm?: SsmReader;
  /** Milliseconds since the epoch; injectable so tests control time. @default Date.now */
  readonly now?: () => number;
  /** Running time for deadlines; injectable so tests can simulate a freeze. @default performance.now */
  readonly monotonicNow?: MonotonicClock;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** The sub-paths to read and how each is merged. @default LAYOUT_PATHS */
  readonly paths?: readonly LayoutPath[];
}

export interface SsmConfigSource extends ConfigSource {
  /** Resolves when no check is in flight: for tests, and for anything that wants the refresh it just caused. */
  settled(): Promise<void>;
}

/**
 * @example
 * const config = createSsmConfigSource({ prefix: '/mantle-gateway', logger: new Logger() });
 * const gateway = createAwsGateway({ config });
 */
export function createSsmConfigSource(options: SsmConfigSourceOptions): SsmConfigSource {
  return new SsmConfigStore(options);
}

type CheckOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

interface Check {
  readonly generation: number;
  readonly startedAt: number;
  readonly startedMono: number;
  done: Promise<CheckOutcome>;
  /** A request stopped waiting for it: its late success must not announce the end of the outage. */
  late: boolean;
}

const COLD_BACKOFF_BASE_MS = 100;
const COLD_BACKOFF_CAP_MS = 1000;

class SsmConfigStore implements SsmConfigSource {
  private readonly prefix: string;
  private readonly log: ConfigStoreLogger;
  private readonly now: () => number;
  private readonly mono: MonotonicClock;
  private readonly random: () => number;
  private readonly ttlMs: number;
  private readonly fullReadMs: number;
  private readonly checkDeadlineMs: number;
  private readonly coldStartBudgetMs: number;
  private readonly coldRetryMs: number;
  private readonly readTimeoutMs: number;
  private readonly ssm: SsmReader;
  private readonly paths: readonly LayoutPath[];
  private readonly rejections: RejectionReporter;
  private readonly outage: OutageReporter;

  private known: KnownGoodConfig = EMPTY_KNOWN_GOOD;
  private lastRoutes: ReadonlyMap<string, string> | undefined;
  private rejectedNames: readonly string[] = [];
  private table: RouteTable | undefined;
  private documents: ReadonlyMap<string, ReadonlyMap<string, string>> = NO_DOCUMENTS;
  /** The marker value of the last full read; undefined before one, or when the prefix has no marker. */
  private revision: string | undefined;
  private current: ConfigSnapshot | undefined;
  private unavailable: GatewayError;
  private nextCheckAt = 0;
  private nextFullReadAt = 0;
  private generation = 0;
  private check: Check | undefined;
  private cold: Promise<void> | undefined;

  constructor(options: SsmConfigSourceOptions) {
    this.prefix = normalizePrefix(options.prefix);
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    this.mono = options.monotonicNow ?? monotonicNow;
    this.random = options.random ?? Math.random;
    this.ttlMs = ttlMilliseconds(options.ttlSeconds, options.logger);
    this.fullReadMs = fullReadMilliseconds(options.fullReadSeconds, options.logger);
    this.checkDeadlineMs = options.checkDeadlineMs ?? 1000;
    this.coldStartBudgetMs = options.coldStartBudgetMs ?? 3000;
    this.coldRetryMs = options.coldRetryMs ?? 1000;
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.ssm = options.ssm ?? new SsmClient();
    this.paths = options.paths ?? LAYOUT_PATHS;
    this.rejections = new RejectionReporter(this.log);
    this.outage = new OutageReporter(this.log, this.prefix, this.now);
    this.unavailable = noConfigYet(this.prefix, 'it has not been read yet');
  }

  snapshot(): ConfigSnapshot | Promise<ConfigSnapshot> {
    const current = this.current;
    if (!current) return this.coldStart();
    if (this.now() < this.nextCheckAt) return current;
    return this.freshen(current);
  }

  async settled(): Promise<void> {
    while (this.cold || this.check) await (this.cold ?? this.check?.done);
  }

  /** Waits for the freshness check within the deadline; on a miss, serves the cache and lets the check land. */
  private async freshen(current: ConfigSnapshot): Promise<ConfigSnapshot> {
    const check = this.joinOrStartCheck();
    try {
      await withDeadline(check.done, this.checkDeadlineMs, 'The freshness check of SSM', this.mono);
    } catch (error) {
      check.late = true;
      // Later requests within a TTL do not wait again; the check, if it lands, serves them.
      this.nextCheckAt = Math.max(this.nextCheckAt, this.now() + this.ttlMs);
      this.outage.failed(error, true);
    }
    return this.current ?? current;
  }

  private joinOrStartCheck(): Check {
    const pending = this.check;
    if (pending && this.mono() - pending.startedMono <= this.checkDeadlineMs) return pending;
    // Older than a deadline and still pending: it hung, or Lambda froze the environment while it ran. Whatever
    // it answers describes the past, so a new check replaces it (and the old one is never logged).
    return this.startCheck();
  }

  private startCheck(): Check {
    const check: Check = {
      generation: ++this.generation,
      startedAt: this.now(),
      startedMono: this.mono(),
      done: Promise.resolve<CheckOutcome>({ ok: true }),
      late: false,
    };
    check.done = this.runCheck(check).finally(() => {
      if (this.check === check) this.check = undefined;
    });
    this.check = check;
    return check;
  }

  /** One check: the marker, then every document if needed. Never rejects; a superseded check changes nothing. */
  private async runCheck(check: Check): Promise<CheckOutcome> {
    try {
      const fresh = await withDeadline(this.readIfChanged(check.startedAt), this.readTimeoutMs, 'SSM', this.mono);
      if (check.generation !== this.generation) return { ok: true };
      if (fresh) this.applySafely(fresh.read, fresh.marker, check.startedAt);
      if (!check.late) this.outage.ended();
      this.nextCheckAt = check.startedAt + (this.current ? jittered(this.ttlMs, this.random) : this.coldRetryMs);
      return { ok: true };
    } catch (error) {
      if (check.generation !== this.generation) return { ok: false, error };
      this.outage.failed(error, this.current !== undefined);
      if (!this.current) this.unavailable = noConfigYet(this.prefix, `reading SSM failed (${errorName(error)})`);
      this.nextCheckAt = this.now() + (this.current ? this.ttlMs : this.coldRetryMs);
      return { ok: false, error };
    }
  }

  /** The marker first, then the documents: a change made between the two is seen again by the next check. */
  private async readIfChanged(startedAt: number): Promise<{ marker: string | undefined; read: LayoutRead } | undefined> {
    const marker = await readRevisionMarker(this.ssm, this.prefix);
    const due = !this.current || marker === undefined || marker !== this.revision || startedAt >= this.nextFullReadAt;
    if (!due) return undefined;
    return { marker, read: await readLayout(this.ssm, this.prefix, this.paths) };
  }

  private async coldStart(): Promise<ConfigSnapshot> {
    if (!this.cold && !this.check && this.now() < this.nextCheckAt) throw this.unavailable;
    this.cold ??= this.coldLoad().finally(() => {
      this.cold = undefined;
    });
    await this.cold;
    if (this.current) return this.current;
    throw this.unavailable;
  }

  /** The first read, retried while SSM throttles, with exponential backoff and (equal) jitter, within the budget. */
  private async coldLoad(): Promise<void> {
    const started = this.mono();
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await (this.check ?? this.startCheck()).done;
      if (outcome.ok || this.current || innermostErrorName(outcome.error) !== 'ThrottlingException') return;
      const ceiling = Math.min(COLD_BACKOFF_CAP_MS, COLD_BACKOFF_BASE_MS * 2 ** attempt);
      const delay = ceiling / 2 + (this.random() * ceiling) / 2;
      if (this.mono() - started + delay >= this.coldStartBudgetMs) return;
      await sleep(delay);
    }
  }

  private applySafely(read: LayoutRead, marker: string | undefined, startedAt: number): void {
    try {
      this.apply(read, marker, startedAt);
    } catch (error) {
      // A validated configuration always compiles; if it ever does not, keep serving what is there.
      this.log.error('Applying the configuration read from SSM failed; keeping the previous one', {
        prefix: this.prefix,
        error: innermostMessage(error),
      });
    }
  }

  /** Merges a full read into the last-known-good configuration; a new snapshot only when something changed. */
  private apply(read: LayoutRead, marker: string | undefined, startedAt: number): void {
    this.nextFullReadAt = startedAt + jittered(this.fullReadMs, this.random);
    const tableChanged = this.applyRoutes(read.routeParameters);
    const documents = keepUnchangedKinds(this.documents, read.documents);
    const changed = tableChanged || documents !== this.documents || marker !== this.revision || !this.current;
    this.documents = documents;
    this.revision = marker;
    if (!this.table) {
      this.unavailable = noConfigYet(this.prefix, describeEmpty(read.routeParameters.size, this.rejectedNames.length));
      return;
    }
    if (!changed) return;
    this.current = { routes: this.table, revision: marker, documents };
    if (tableChanged) this.logLoaded(marker);
  }

  /** @returns whether the route table was recompiled */
  private applyRoutes(fetched: ReadonlyMap<string, string>): boolean {
    if (this.lastRoutes && sameValues(this.lastRoutes, fetched)) return false;
    const result = mergeLastKnownGood(this.known, fetched, this.prefix);
    this.rejections.report(result.rejected);
    this.lastRoutes = fetched;
    this.known = result.config;
    this.rejectedNames = result.rejected.map((rejection) => rejection.name);
    if (!this.table && this.known.models.size === 0) return false;
    if (this.table && !result.changed) return false;
    this.table = compileRouteTable(toGatewayConfig(this.known));
    return true;
  }

  private logLoaded(marker: string | undefined): void {
    this.log.info('Route configuration loaded from SSM', {
      prefix: this.prefix,
      providers: this.known.providers.size,
      models: this.known.models.size,
      rejectedParameters: this.rejectedNames,
      ...(marker !== undefined
        ? { configRevision: marker }
        : { revisionMarker: `${revisionParameterName(this.prefix)} does not exist: every check reads every document until it does` }),
    });
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

function sameValues(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}

/**
 * The fresh documents by kind, reusing the previous map of each kind whose documents did not change (and the
 * previous outer map when none did), so a stage caching per `documents.get(kind)` recompiles only what changed.
 */
function keepUnchangedKinds(
  previous: ReadonlyMap<string, ReadonlyMap<string, string>>,
  fresh: ReadonlyMap<string, ReadonlyMap<string, string>>,
): ReadonlyMap<string, ReadonlyMap<string, string>> {
  let same = previous.size === fresh.size;
  const merged = new Map<string, ReadonlyMap<string, string>>();
  for (const [kind, documents] of fresh) {
    const before = previous.get(kind);
    const keep = before !== undefined && sameValues(before, documents);
    same &&= keep;
    merged.set(kind, keep ? before : documents);
  }
  return same ? previous : merged;
}
