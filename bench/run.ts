/**
 * `npm run bench`: the gateway's performance on this machine, over loopback against the Mantle simulator, each
 * figure beside its target (issue 13). Prints a table and writes the figures as JSON.
 *
 * Options:
 *   --smoke          a short run with small counts (CI): the same code paths, figures printed, nothing asserted
 *   --json <path>    where to write the results @default bench-results.json
 *   --profile <dir>  instead of the figures: run the gateway under `node --cpu-prof` through the request-path load
 *                    (overhead, time to first byte, saturation) and print its top self-time entries
 *   --markdown       also print the table as Markdown
 *
 * @example
 * npm run bench -- --profile /tmp/gateway-profile
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchEnvironment, type BenchEnvironment } from './environment.js';
import { measureColdStart, type ColdStartResult } from './measure-cold-start.js';
import { measureFirstRequest, type FirstRequestResult } from './measure-first-request.js';
import { measureLatency, type LatencyResult } from './measure-latency.js';
import { measureConcurrency, measureSaturation, type ConcurrencyResult, type SaturationResult } from './measure-load.js';
import { measureBulk, measurePacing, type BulkResult, type PacingResult } from './measure-streaming.js';
import { readProfile, selfTimeByArea, selfTimes, type SelfTimeEntry } from './profile-summary.js';
import { formatMarkdown, formatTable, ms, row, type Row } from './report.js';

interface Sizes {
  readonly latency: { rounds: number; perRound: number; warmup: number };
  readonly ttfb: { rounds: number; perRound: number; warmup: number };
  readonly pacingStreams: number;
  readonly bulkMb: number;
  readonly concurrentStreams: number;
  readonly saturation: { requests: number; concurrency: number };
  readonly initSamples: number;
}

const FULL: Sizes = {
  latency: { rounds: 5, perRound: 400, warmup: 200 },
  ttfb: { rounds: 5, perRound: 100, warmup: 50 },
  pacingStreams: 5,
  bulkMb: 100,
  concurrentStreams: 1000,
  saturation: { requests: 4000, concurrency: 16 },
  initSamples: 20,
};

const SMOKE: Sizes = {
  latency: { rounds: 2, perRound: 25, warmup: 10 },
  ttfb: { rounds: 2, perRound: 10, warmup: 5 },
  pacingStreams: 1,
  bulkMb: 8,
  concurrentStreams: 50,
  saturation: { requests: 200, concurrency: 8 },
  initSamples: 3,
};

interface Results {
  readonly mode: 'full' | 'smoke';
  readonly node: string;
  readonly startedAt: string;
  /** 1-minute load average at the start and the end: figures from a busy machine are not comparable. */
  readonly loadAverage: readonly [number, number];
  readonly cpus: number;
  readonly rssAtRestMb: number;
  readonly overhead: LatencyResult;
  readonly ttfb: LatencyResult;
  readonly pacing: { readonly direct: PacingResult; readonly gateway: PacingResult };
  readonly bulk: { readonly direct: BulkResult; readonly gateway: BulkResult };
  readonly concurrency: { readonly direct: ConcurrencyResult; readonly gateway: ConcurrencyResult };
  readonly saturation: { readonly direct: SaturationResult; readonly gateway: SaturationResult; readonly floor: SaturationResult };
  readonly rssAfterLoadMb: number;
  readonly coldStart: ColdStartResult;
  readonly firstRequest: FirstRequestResult;
}

async function measureRequestPath(env: BenchEnvironment, sizes: Sizes, log: (line: string) => void): Promise<Omit<Results, 'mode' | 'node' | 'startedAt' | 'loadAverage' | 'cpus' | 'coldStart' | 'firstRequest'>> {
  log('overhead (sequential, keep-alive, legs interleaved)');
  const overhead = await measureLatency(env, { ...sizes.latency, stream: false });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssAtRestMb = (await env.gateway.usage()).rssBytes / 1e6;
  log('streaming: time to first byte');
  const ttfb = await measureLatency(env, { ...sizes.ttfb, stream: true });
  log('streaming: pacing');
  const pacing = { direct: await measurePacing(env, 'direct', sizes.pacingStreams), gateway: await measurePacing(env, 'gateway', sizes.pacingStreams) };
  log(`streaming: ${sizes.bulkMb} MiB answer`);
  const bulk = { direct: await measureBulk(env, 'direct', sizes.bulkMb), gateway: await measureBulk(env, 'gateway', sizes.bulkMb) };
  log(`concurrency: ${sizes.concurrentStreams} streams`);
  const concurrency = {
    direct: await measureConcurrency(env, 'direct', sizes.concurrentStreams),
    gateway: await measureConcurrency(env, 'gateway', sizes.concurrentStreams),
  };
  log('CPU per request at saturation');
  const { requests, concurrency: connections } = sizes.saturation;
  const saturation = {
    direct: await measureSaturation(env, 'direct', requests, connections),
    gateway: await measureSaturation(env, 'gateway', requests, connections),
    floor: await measureSaturation(env, 'floor', requests, connections),
  };
  const rssAfterLoadMb = (await env.gateway.usage()).rssBytes / 1e6;
  return { rssAtRestMb, overhead, ttfb, pacing, bulk, concurrency, saturation, rssAfterLoadMb };
}

function rows(results: Results): Row[] {
  const { overhead, ttfb, pacing, bulk, concurrency, saturation, coldStart, firstRequest } = results;
  const gw = overhead.added.gateway;
  const floorP50 = overhead.added.floor.p50Ms;
  const ratio = gw.p50Ms / floorP50;
  const allStreamsOk = concurrency.gateway.errors === 0;
  const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
  return [
    row('overhead', 'added p50 (gateway - direct)', ms(gw.p50Ms), { text: '<= 0.300 ms', met: gw.p50Ms <= 0.3 }),
    row('overhead', 'added p99', ms(gw.p99Ms), { text: '<= 1.500 ms', met: gw.p99Ms <= 1.5 }),
    row('overhead', 'floor proxy added p50 / p99', `${ms(floorP50)} / ${ms(overhead.added.floor.p99Ms)}`),
    row('overhead', 'gateway / floor (added p50)', `${ratio.toFixed(2)}x`, { text: '<= 1.30x', met: ratio <= 1.3 }),
    row('overhead', 'direct p50 / p99', `${ms(overhead.legs.direct.p50Ms)} / ${ms(overhead.legs.direct.p99Ms)}`),
    row('overhead', 'requests per leg, errors', `${overhead.requestsPerLeg}, ${overhead.errors}`, { text: '0 errors', met: overhead.errors === 0 }),
    row('streaming', 'added TTFB p50', ms(ttfb.added.gateway.p50Ms), { text: '<= 0.500 ms', met: ttfb.added.gateway.p50Ms <= 0.5 }),
    row('streaming', 'added TTFB p99', ms(ttfb.added.gateway.p99Ms)),
    row('streaming', 'event lag max (p50), via gateway', `${ms(pacing.gateway.lagMaxMs)} (${ms(pacing.gateway.lagP50Ms)})`, { text: '<= 1.000 ms', met: pacing.gateway.lagMaxMs <= 1 }),
    row('streaming', 'event lag max (p50), direct', `${ms(pacing.direct.lagMaxMs)} (${ms(pacing.direct.lagP50Ms)})`),
    row('streaming', 'events coalesced, via gateway', `${pacing.gateway.coalesced} of ${pacing.gateway.events}`, { text: '0', met: pacing.gateway.coalesced === 0 && pacing.gateway.errors === 0 }),
    row('streaming', `${(bulk.gateway.bytes / 2 ** 20).toFixed(0)} MiB stream throughput`, `${bulk.gateway.mbPerSecond.toFixed(0)} MB/s (direct ${bulk.direct.mbPerSecond.toFixed(0)})`, { text: '>= 300 MB/s', met: bulk.gateway.complete && bulk.gateway.mbPerSecond >= 300 }),
    row('streaming', 'gateway RSS growth during it', `${(bulk.gateway.rssGrowthMb ?? 0).toFixed(1)} MB`, { text: '<= 32 MB', met: (bulk.gateway.rssGrowthMb ?? 0) <= 32 }),
    row('concurrency', `${concurrency.gateway.streams} streams: errors (peak open)`, `${concurrency.gateway.errors} (${concurrency.gateway.peakOpen})`, { text: '0', met: allStreamsOk }),
    row('concurrency', 'added TTFB p99 (p50)', `${ms(concurrency.gateway.ttfbP99Ms - concurrency.direct.ttfbP99Ms)} (${ms(concurrency.gateway.ttfbP50Ms - concurrency.direct.ttfbP50Ms)})`),
    row('concurrency', 'gateway peak RSS', `${(concurrency.gateway.peakRssMb ?? 0).toFixed(0)} MB`),
    row('cpu', 'gateway µs (user+sys) per request', `${saturation.gateway.serverCpuUsPerRequest.toFixed(0)} µs at ${saturation.gateway.requestsPerSecond.toFixed(0)} req/s`),
    row('cpu', 'floor proxy µs per request', `${saturation.floor.serverCpuUsPerRequest.toFixed(0)} µs at ${saturation.floor.requestsPerSecond.toFixed(0)} req/s`),
    row('cpu', 'simulator µs per request (direct)', `${saturation.direct.simulatorCpuUsPerRequest.toFixed(0)} µs at ${saturation.direct.requestsPerSecond.toFixed(0)} req/s`),
    row('memory', 'gateway RSS at rest (warm) / after load', `${results.rssAtRestMb.toFixed(0)} MB / ${results.rssAfterLoadMb.toFixed(0)} MB`),
    row('cold start', 'Lambda asset (index.mjs, no source map)', kb(coldStart.assetBytes), { text: '<= 400 KB', met: coldStart.assetBytes <= 400_000 }),
    row('cold start', 'module init (import - bare node, median)', ms(coldStart.initMs), { text: '<= 30 ms', met: coldStart.initMs <= 30 }),
    row('cold start', 'module init without --enable-source-maps', ms(coldStart.initWithoutSourceMapsMs)),
    row('cold start', 'bare node start-up (median)', ms(coldStart.bareNodeMs)),
    row('cold start', 'first request on a new process (handler to last byte)', ms(firstRequest.firstRequestMs)),
    row('cold start', 'second request, same process', ms(firstRequest.secondRequestMs)),
    row('cold start', 'AWS config files read at import', coldStart.awsFilesRead.length === 0 ? 'none' : coldStart.awsFilesRead.join(', '), { text: 'none', met: coldStart.awsFilesRead.length === 0 }),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, json: { type: 'string' }, profile: { type: 'string' }, markdown: { type: 'boolean' } } });
  const sizes = values.smoke ? SMOKE : FULL;
  if (values.profile) {
    await profileRequestPath(resolve(values.profile), sizes);
    return;
  }
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const env = await startBenchEnvironment();
  let requestPath: Awaited<ReturnType<typeof measureRequestPath>>;
  try {
    requestPath = await measureRequestPath(env, sizes, log);
  } finally {
    await env.close();
  }
  log('cold start: cdk synth bundling, fresh node imports');
  const coldStart = await measureColdStart(sizes.initSamples);
  log('cold start: the first request of fresh processes (SSM read, sign, call)');
  const firstRequest = await measureFirstRequest(Math.max(3, Math.round(sizes.initSamples / 2)));
  const loadAverage: [number, number] = [loadAtStart, loadavg()[0] ?? 0];
  const results: Results = { mode: values.smoke ? 'smoke' : 'full', node: process.version, startedAt, loadAverage, cpus: cpus().length, ...requestPath, coldStart, firstRequest };
  const table = rows(results);
  const machine = `${results.cpus} CPUs, load ${loadAverage.map((load) => load.toFixed(1)).join(' -> ')}`;
  process.stdout.write(`\nmantle-gateway bench (${results.mode}, node ${process.version}, ${machine}, ${startedAt})\n\n${formatTable(table)}\n`);
  if (values.markdown) process.stdout.write(`\n${formatMarkdown(table)}\n`);
  const jsonPath = resolve(values.json ?? 'bench-results.json');
  writeFileSync(jsonPath, `${JSON.stringify({ ...results, table }, null, 2)}\n`);
  process.stdout.write(`\nresults: ${jsonPath}\n`);
}

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** The small-request load only (a 100 MB stream would fill the profile with socket writes). */
async function profileRequestPath(dir: string, sizes: Sizes): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const env = await startBenchEnvironment({ gatewayNodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  try {
    log('profiling the gateway: overhead, time to first byte, saturation');
    await measureLatency(env, { ...sizes.latency, stream: false });
    await measureLatency(env, { ...sizes.ttfb, stream: true });
    await measureSaturation(env, 'gateway', sizes.saturation.requests, sizes.saturation.concurrency);
    // Frames point into the bundle; the summary maps their lines back to source modules with it.
    copyFileSync(env.bundleFile, join(dir, basename(env.bundleFile)));
  } finally {
    await env.close();
  }
  const entries = profileEntries(dir);
  const print = (title: string, list: readonly SelfTimeEntry[]): void => {
    process.stdout.write(`\n${title}\n`);
    for (const entry of list) process.stdout.write(`${entry.percent.toFixed(1).padStart(5)}%  ${entry.frame}\n`);
  };
  print(`gateway CPU profile (${dir}), top functions by self time:`, entries.slice(0, 25));
  print('by area:', selfTimeByArea(entries).slice(0, 15));
}

function profileEntries(dir: string): SelfTimeEntry[] {
  const file = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort().pop();
  // The newest profile is this run's: names start with the date and time.
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return selfTimes(readProfile(join(dir, file)), dir);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
