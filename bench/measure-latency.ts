/**
 * Overhead and time to first byte: the same small signed request sent sequentially over keep-alive, the legs
 * (direct, gateway, floor) interleaved within each round and their order rotated per round, so drift in the
 * machine's load hits all legs alike. Added latency is a leg's percentile minus the direct leg's.
 */
import { Agent } from 'node:http';
import { LEGS, type BenchEnvironment, type LegName } from './environment.js';
import { percentile, send } from './http-client.js';

export interface LegLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LatencyResult {
  readonly requestsPerLeg: number;
  readonly errors: number;
  readonly legs: Record<LegName, LegLatency>;
  /** Percentiles of the gateway and floor legs minus the direct leg's. */
  readonly added: { readonly gateway: LegLatency; readonly floor: LegLatency };
}

export interface LatencyOptions {
  readonly rounds: number;
  readonly perRound: number;
  readonly warmup: number;
  /** Streamed requests measure time to first byte; non-streamed ones the whole answer. */
  readonly stream: boolean;
}

const SMALL_CHAT = { model: 'bench-chat', messages: [{ role: 'user', content: 'ping' }], max_tokens: 8 } as const;

export async function measureLatency(env: BenchEnvironment, options: LatencyOptions): Promise<LatencyResult> {
  const agents = Object.fromEntries(LEGS.map((leg) => [leg, new Agent({ keepAlive: true, maxSockets: 1 })])) as Record<LegName, Agent>;
  const samples = Object.fromEntries(LEGS.map((leg) => [leg, [] as number[]])) as Record<LegName, number[]>;
  const body = options.stream ? { ...SMALL_CHAT, stream: true } : SMALL_CHAT;
  let errors = 0;
  const once = async (leg: LegName, record: boolean): Promise<void> => {
    const request = env.request(leg, body);
    const timing = await send(agents[leg], request);
    if (timing.status !== 200) errors += 1;
    if (record) samples[leg].push((options.stream ? timing.firstByteNs : timing.totalNs) / 1e6);
  };
  try {
    for (let index = 0; index < options.warmup; index += 1) for (const leg of LEGS) await once(leg, false);
    errors = 0;
    for (let round = 0; round < options.rounds; round += 1) {
      const order = LEGS.map((_, offset) => LEGS[(offset + round) % LEGS.length]!);
      for (let index = 0; index < options.perRound; index += 1) for (const leg of order) await once(leg, true);
    }
  } finally {
    for (const agent of Object.values(agents)) agent.destroy();
  }
  const legs = Object.fromEntries(LEGS.map((leg) => [leg, { p50Ms: percentile(samples[leg], 50), p99Ms: percentile(samples[leg], 99) }])) as Record<LegName, LegLatency>;
  const minus = (leg: LegName): LegLatency => ({ p50Ms: legs[leg].p50Ms - legs.direct.p50Ms, p99Ms: legs[leg].p99Ms - legs.direct.p99Ms });
  return { requestsPerLeg: options.rounds * options.perRound, errors, legs, added: { gateway: minus('gateway'), floor: minus('floor') } };
}
