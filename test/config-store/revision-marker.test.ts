/**
 * Freshness with the revision marker (`<prefix>/revision`, issue 8), against the loopback SSM server on a pinned
 * clock: one GetParameter per TTL however many models, a full paged read only when the marker changed (or the
 * safety net is due), bounded staleness after an idle period, and SSM trouble that never fails a request.
 */
import { SsmClient } from '../../lambda/aws/ssm-client.js';
import { LAYOUT_PATHS, type LayoutPath } from '../../lambda/config-store/parameter-layout.js';
import { createGateway } from '../../lambda/core/index.js';
import type { SsmServer } from '../support/ssm-server.js';
import { PREFIX, modelDocument, modelParameter, providerDocument, seed, type LogEntry } from './fixtures.js';
import { storeHarness, useSsmServer } from './store-harness.js';

const server = useSsmServer();
let ssm: SsmServer;
let markerVersion = 0;
beforeEach(() => {
  ssm = server();
});

const MARKER = `${PREFIX}/revision`;
const bumpMarker = () => ssm.put(MARKER, `rev-${++markerVersion}`);
const upstream = (model: string) => JSON.stringify(modelDocument('alpha', { upstream: model }));
const outageLogs = (logs: LogEntry[]) => logs.filter((entry) => entry.message.startsWith('Reading the route configuration'));
const manyModels = (count: number) => Array.from({ length: count }, (_, index) => modelDocument(`model-${String(index).padStart(3, '0')}`));

function seedWithMarker(models = [modelDocument('alpha'), modelDocument('beta')]): void {
  seed(ssm, { providers: [providerDocument('east')], models });
  bumpMarker();
}

/** The requests since `from`, per operation. */
function callsSince(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operation } of ssm.requests.slice(from)) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

describe('the revision marker', () => {
  it('serves a change made visible by a marker update at TTL + 1 s, on an environment idle since before it', async () => {
    seedWithMarker();
    const { clock, upstreamOf, served } = storeHarness({ ttlSeconds: 5 });
    expect(await upstreamOf('alpha')).toBe('openai.gpt-oss-120b');

    clock.advance(3600); // idle: no request, so no check, for an hour
    ssm.put(modelParameter('alpha'), upstream('qwen.qwen3-32b'));
    bumpMarker();
    clock.advance(5 + 1);
    const snapshot = await served();
    expect(snapshot.routes.models.get('alpha')?.routes[0]?.route.upstream_model).toBe('qwen.qwen3-32b');
    expect(snapshot.revision).toBe(`rev-${markerVersion}`);
  });

  it('costs exactly one GetParameter per TTL for 150 models when nothing changed', async () => {
    seedWithMarker(manyModels(150));
    const { passTime, table } = storeHarness({ ttlSeconds: 5 });
    expect((await table()).models.size).toBe(150);
    const before = ssm.requests.length;
    await passTime(5);
    expect(callsSince(before)).toEqual({ GetParameter: 1 });
    for (let ttl = 0; ttl < 9; ttl += 1) await passTime(5);
    expect(callsSince(before)).toEqual({ GetParameter: 10 });
    expect(ssm.requests.slice(before).every((request) => request.input['Name'] === MARKER)).toBe(true);
  });

  it('reads every document, in pages, when the marker changed', async () => {
    seedWithMarker(manyModels(150));
    const { passTime, table } = storeHarness({ ttlSeconds: 5 });
    await table();
    ssm.put(modelParameter('model-149'), JSON.stringify(modelDocument('model-149', { upstream: 'qwen.qwen3-32b' })));
    bumpMarker();
    const before = ssm.requests.length;
    await passTime(5);
    // The marker, then 1 page of providers, 15 of models (SSM answers at most 10 a page), 1 each of keys and principals.
    expect(callsSince(before)).toEqual({ GetParameter: 1, GetParametersByPath: 18 });
    expect((await table()).models.get('model-149')?.routes[0]?.route.upstream_model).toBe('qwen.qwen3-32b');
  });

  it('does not see an edit whose marker was not updated until the safety net reads everything', async () => {
    seedWithMarker();
    const { passTime, upstreamOf } = storeHarness({ ttlSeconds: 5, fullReadSeconds: 60 });
    await upstreamOf('alpha');
    ssm.put(modelParameter('alpha'), upstream('qwen.qwen3-32b'));
    await passTime(55);
    expect(await upstreamOf('alpha')).toBe('openai.gpt-oss-120b');
    await passTime(5);
    expect(await upstreamOf('alpha')).toBe('qwen.qwen3-32b');
  });

  it('reads the safety net every 5 minutes by default, and never more often than every minute', async () => {
    seedWithMarker();
    const fullReads = () => ssm.requests.filter((request) => request.operation === 'GetParametersByPath' && request.input['Path'] === `${PREFIX}/models`).length;
    const byDefault = storeHarness({ ttlSeconds: 5 });
    await byDefault.table();
    for (let step = 0; step < 60; step += 1) await byDefault.passTime(5);
    expect(fullReads()).toBe(2); // the cold start and one at 300 s

    ssm.requests.length = 0;
    const tooOften = storeHarness({ ttlSeconds: 5, fullReadSeconds: 10 });
    await tooOften.table();
    for (let step = 0; step < 12; step += 1) await tooOften.passTime(5);
    expect(fullReads()).toBe(2); // the cold start and one at 60 s
    expect(tooOften.logs[0]).toMatchObject({ level: 'warn', message: 'Full-read interval 10 s is below the minimum; using 60' });
  });

  it('hands out the same snapshot while nothing changes, and a new one with the new revision when the marker moves', async () => {
    seedWithMarker();
    const { passTime, served } = storeHarness({ ttlSeconds: 5 });
    const first = await served();
    await passTime(5);
    expect(await served()).toBe(first);
    bumpMarker();
    await passTime(5);
    const second = await served();
    expect(second).not.toBe(first);
    expect(second.routes).toBe(first.routes); // same documents: not recompiled
    expect(second.revision).toBe(`rev-${markerVersion}`);
  });

  it('shortens intervals by jitter to between 0.8 and 1 x the TTL, never longer', async () => {
    seedWithMarker();
    const checksAfter = async (random: number, seconds: number) => {
      ssm.requests.length = 0;
      const { clock, table } = storeHarness({ ttlSeconds: 10, random: () => random });
      await table();
      ssm.requests.length = 0;
      clock.advance(seconds);
      await table();
      return ssm.requests.length;
    };
    expect(await checksAfter(0.999, 7.9)).toBe(0);
    expect(await checksAfter(0.999, 8.01)).toBe(1);
    expect(await checksAfter(0, 9.99)).toBe(0);
    expect(await checksAfter(0, 10)).toBe(1);
  });
});

describe('the revision marker when SSM is in trouble', () => {
  it.each(['throttle', 'network', 'unavailable'] as const)('serves from the cache while the check fails (%s), logging the outage once', async (kind) => {
    seedWithMarker();
    const { source, clock, logs } = storeHarness({ ttlSeconds: 5 });
    const gateway = createGateway({ config: source, authorize: async () => undefined });
    expect((await gateway(new Request('http://gateway.test/v1/models'))).status).toBe(200);
    ssm.failNext(Infinity, kind);
    for (let step = 0; step < 10; step += 1) {
      clock.advance(5);
      expect((await gateway(new Request('http://gateway.test/v1/models'))).status).toBe(200);
    }
    ssm.failNext(0);
    clock.advance(5);
    await gateway(new Request('http://gateway.test/v1/models'));
    await source.settled();
    expect(outageLogs(logs)).toEqual([
      expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ prefix: PREFIX }) }),
      expect.objectContaining({ level: 'info', attributes: expect.objectContaining({ failedReads: 10 }) }),
    ]);
  });

  it('serves a slow check from the cache at its deadline, and the late answer serves the next request', async () => {
    seedWithMarker();
    const { source, clock, logs, upstreamOf } = storeHarness({ ttlSeconds: 5, checkDeadlineMs: 50 });
    await upstreamOf('alpha');
    ssm.put(modelParameter('alpha'), upstream('qwen.qwen3-32b'));
    bumpMarker();
    ssm.delayNext(1, 400);
    clock.advance(5);
    const started = performance.now();
    const snapshot = await source.snapshot();
    expect(performance.now() - started).toBeLessThan(300);
    expect(snapshot.routes.models.get('alpha')?.routes[0]?.route.upstream_model).toBe('openai.gpt-oss-120b');
    expect(outageLogs(logs)).toEqual([
      expect.objectContaining({ level: 'error', attributes: expect.objectContaining({ error: 'TimeoutError', cause: 'The freshness check of SSM did not answer within 50 ms' }) }),
    ]);
    // Later requests within the TTL do not wait again; the late answer lands and serves them.
    expect(source.snapshot()).not.toBeInstanceOf(Promise);
    await source.settled();
    expect(await upstreamOf('alpha')).toBe('qwen.qwen3-32b');
  });

  it('does not log a check paused by a Lambda freeze as an outage when the environment thaws', async () => {
    seedWithMarker();
    let frozenFor = 0;
    const monotonicNow = () => performance.now() + frozenFor;
    const { source, clock, logs, upstreamOf } = storeHarness({ ttlSeconds: 5, readTimeoutMs: 400, checkDeadlineMs: 10_000, monotonicNow });
    await upstreamOf('alpha');
    ssm.put(modelParameter('alpha'), upstream('qwen.qwen3-32b'));
    bumpMarker();
    ssm.delayNext(1, 500);
    clock.advance(5);
    const request = source.snapshot();
    // The environment freezes with the marker read in flight and thaws five minutes later: the 400 ms deadline
    // is overdue when its timer runs, and SSM's answer comes just after it (as a buffered answer would on thaw).
    frozenFor = 300_000;
    const snapshot = await request;
    expect(snapshot.routes.models.get('alpha')?.routes[0]?.route.upstream_model).toBe('qwen.qwen3-32b');
    expect(outageLogs(logs)).toEqual([]);
  });

  it('replaces a check left pending by a freeze instead of waiting on it', async () => {
    seedWithMarker();
    let frozenFor = 0;
    const monotonicNow = () => performance.now() + frozenFor;
    const { source, clock, upstreamOf } = storeHarness({ ttlSeconds: 5, checkDeadlineMs: 100, monotonicNow });
    await upstreamOf('alpha');
    ssm.failNext(1, 'hang');
    clock.advance(5);
    await source.snapshot(); // served from the cache at the deadline; the hung check stays pending
    frozenFor = 300_000;
    ssm.put(modelParameter('alpha'), upstream('qwen.qwen3-32b'));
    bumpMarker();
    clock.advance(300);
    const started = performance.now();
    const thawed = await source.snapshot();
    expect(performance.now() - started).toBeLessThan(100);
    expect(thawed.routes.models.get('alpha')?.routes[0]?.route.upstream_model).toBe('qwen.qwen3-32b');
  });

  it('retries a throttled cold start with backoff, within its budget, before answering', async () => {
    seedWithMarker();
    ssm.failNext(3, 'throttle');
    const { served, logs } = storeHarness({ coldStartBudgetMs: 2000 });
    expect((await served()).routes.models.size).toBe(2);
    const attempts = ssm.requests.filter((request) => request.operation === 'GetParameter');
    expect(attempts).toHaveLength(4);
    expect(outageLogs(logs).map((entry) => entry.level)).toEqual(['error', 'info']);
  });

  it('answers 503 once a throttled cold start has used its budget', async () => {
    seedWithMarker();
    ssm.failNext(Infinity, 'throttle');
    const { source } = storeHarness({ coldStartBudgetMs: 300 });
    const started = performance.now();
    await expect(source.snapshot()).rejects.toMatchObject({ status: 503, message: expect.stringContaining('ThrottlingException') });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(100);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('what the store reads (issue 7 item 9)', () => {
  it('never fetches nor decrypts a parameter outside the layout', async () => {
    seedWithMarker();
    ssm.put(`${PREFIX}/admin-api-key`, 'sk-never-read', 'SecureString');
    ssm.put(`${PREFIX}/notes/keys`, 'never read either', 'SecureString');
    const { table } = storeHarness();
    await table();
    const touched = ssm.requests.map((request) => String(request.input['Path'] ?? request.input['Name']));
    expect(new Set(touched)).toEqual(new Set([MARKER, `${PREFIX}/providers`, `${PREFIX}/models`, `${PREFIX}/keys`, `${PREFIX}/principals`]));
  });

  it('passes the documents of a fail-closed kind on raw, decrypted only where the layout says so', async () => {
    seedWithMarker();
    ssm.put(`${PREFIX}/keys/k1`, '{"secret":"s1"}', 'SecureString');
    ssm.put(`${PREFIX}/principals/team-a`, '{"name":"team-a"}');
    const paths: LayoutPath[] = [
      ...LAYOUT_PATHS,
      { kind: 'keys', decrypt: true, policy: 'fail-closed' },
      { kind: 'principals', decrypt: false, policy: 'fail-closed' },
    ];
    const { served, passTime } = storeHarness({ ttlSeconds: 5, paths });
    const first = await served();
    expect(first.documents.get('keys')).toEqual(new Map([['k1', '{"secret":"s1"}']]));
    expect(first.documents.get('principals')).toEqual(new Map([['team-a', '{"name":"team-a"}']]));
    const principalsRead = ssm.requests.find((request) => request.input['Path'] === `${PREFIX}/principals`);
    expect(principalsRead?.input['WithDecryption']).toBe(false);

    // A revoked key is gone at the next check after the marker moves; the unchanged kind keeps its identity.
    ssm.delete(`${PREFIX}/keys/k1`);
    bumpMarker();
    await passTime(5);
    const second = await served();
    expect(second.documents.get('keys')).toEqual(new Map());
    expect(second.documents.get('principals')).toBe(first.documents.get('principals'));
  });

  it('reads the whole layout on every check while the prefix has no marker, and says so once', async () => {
    seed(ssm, { providers: [providerDocument('east')], models: [modelDocument('alpha')] });
    const { passTime, table, logs } = storeHarness({ ttlSeconds: 5, ssm: new SsmClient({ maxAttempts: 1 }) });
    await table();
    const before = ssm.requests.length;
    await passTime(5);
    // One page per sub-path of the layout: providers, models, keys, principals.
    expect(callsSince(before)).toEqual({ GetParameter: 1, GetParametersByPath: 4 });
    expect(logs.filter((entry) => entry.attributes['revisionMarker'] !== undefined)).toHaveLength(1);
  });
});
