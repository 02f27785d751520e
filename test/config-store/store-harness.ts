/**
 * The SSM store under test: a loopback SSM server shared by a test file, and a store on a pinned clock with no
 * jitter, whose reads the tests count.
 */
import { SsmClient } from '../../lambda/aws/ssm-client.js';
import { createSsmConfigSource, type SsmConfigSource, type SsmConfigSourceOptions } from '../../lambda/config-store/ssm-config-source.js';
import type { ConfigSnapshot } from '../../lambda/core/config-source.js';
import type { RouteTable } from '../../lambda/core/route-table.js';
import { pointAwsSdkAt, startSsmServer, type SsmServer } from '../support/ssm-server.js';
import { ManualClock, PREFIX, recordingLogger, type LogEntry } from './fixtures.js';

/** Starts one SSM server for the file, points the SDK at it, and empties it before each test. */
export function useSsmServer(): () => SsmServer {
  let ssm: SsmServer | undefined;
  beforeAll(async () => {
    ssm = await startSsmServer();
    pointAwsSdkAt(ssm);
  });
  afterAll(() => ssm?.close());
  beforeEach(() => {
    ssm!.parameters.clear();
    ssm!.requests.length = 0;
    ssm!.failNext(0);
    ssm!.delayNext(0, 0);
  });
  return () => ssm!;
}

export interface StoreHarness {
  readonly source: SsmConfigSource;
  readonly clock: ManualClock;
  readonly logs: LogEntry[];
  /** What a request would be served now, after letting any check it started finish. */
  served(): Promise<ConfigSnapshot>;
  table(): Promise<RouteTable>;
  upstreamOf(modelId: string): Promise<string | undefined>;
  /** Moves the clock on and lets the request that notices it run (and finish) a check. */
  passTime(seconds: number): Promise<void>;
}

export interface StoreHarnessOptions extends Partial<Omit<SsmConfigSourceOptions, 'logger' | 'now' | 'prefix'>> {
  /** Use the store's default SSM client (three attempts, as the SDK's) rather than one attempt per call. */
  readonly defaultProvider?: boolean;
}

export function storeHarness(options: StoreHarnessOptions = {}): StoreHarness {
  const clock = new ManualClock();
  const { logger, entries } = recordingLogger();
  const { defaultProvider, ...storeOptions } = options;
  const source = createSsmConfigSource({
    prefix: PREFIX,
    logger,
    now: clock.now,
    // No jitter: each check comes exactly one TTL after the last (jitter has its own tests).
    random: () => 0,
    coldStartBudgetMs: 200,
    // One attempt per call keeps outage tests quick; the default provider is exercised too.
    ...(defaultProvider ? {} : { ssm: new SsmClient({ maxAttempts: 1 }) }),
    ...storeOptions,
  });
  const served = async () => {
    const snapshot = await source.snapshot();
    await source.settled();
    return snapshot;
  };
  const table = async () => (await served()).routes;
  return {
    source,
    clock,
    logs: entries,
    served,
    table,
    upstreamOf: async (modelId) => (await table()).models.get(modelId)?.routes[0]?.route.upstream_model,
    passTime: async (seconds) => {
      clock.advance(seconds);
      await table();
    },
  };
}
