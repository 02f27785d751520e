/**
 * Streaming through the gateway, against the simulator's generated stream (dev/mantle-simulator/bench-stream.ts):
 * pacing (how late each event reaches the client after the simulator wrote it, and whether any two events were
 * merged into one read) and a large answer's throughput and the gateway's memory growth while it passes.
 */
import { Agent } from 'node:http';
import type { BenchEnvironment, LegName } from './environment.js';
import { percentile, send } from './http-client.js';

export interface PacingResult {
  readonly events: number;
  readonly lagP50Ms: number;
  readonly lagMaxMs: number;
  /** Events that arrived in the same read as an earlier one. */
  readonly coalesced: number;
  readonly errors: number;
}

export interface BulkResult {
  readonly bytes: number;
  readonly mbPerSecond: number;
  /** Highest gateway RSS seen during the stream minus its RSS before (gateway leg only). */
  readonly rssGrowthMb?: number;
  readonly complete: boolean;
}

const STAMP = /"sent_at_ns":"(\d+)"/;

/** Reads SSE events out of chunks as they arrive, noting each event's lag and any event sharing a read. */
class EventClock {
  private pending = '';
  readonly lagsMs: number[] = [];
  coalesced = 0;

  onChunk(chunk: Buffer, arrivedAt: bigint): void {
    this.pending += chunk.toString('utf8');
    let completed = 0;
    let end = this.pending.indexOf('\n\n');
    while (end >= 0) {
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const stamp = STAMP.exec(event)?.[1];
      if (stamp) {
        this.lagsMs.push(Number(arrivedAt - BigInt(stamp)) / 1e6);
        completed += 1;
      }
      end = this.pending.indexOf('\n\n');
    }
    if (completed > 1) this.coalesced += completed - 1;
  }
}

export async function measurePacing(env: BenchEnvironment, leg: LegName, streams: number): Promise<PacingResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const clock = new EventClock();
  let errors = 0;
  try {
    for (let index = 0; index < streams; index += 1) {
      const request = env.request(leg, { model: 'bench-stream', stream: true, messages: [{ role: 'user', content: 'pace' }], bench: { events: 20, event_bytes: 512, pacing_ms: 10 } });
      const timing = await send(agent, request, { onChunk: (chunk, at) => clock.onChunk(chunk, at) });
      if (timing.status !== 200) errors += 1;
    }
  } finally {
    agent.destroy();
  }
  return { events: clock.lagsMs.length, lagP50Ms: percentile(clock.lagsMs, 50), lagMaxMs: Math.max(...clock.lagsMs), coalesced: clock.coalesced, errors };
}

export async function measureBulk(env: BenchEnvironment, leg: LegName, megabytes: number): Promise<BulkResult> {
  const eventBytes = 8192;
  const events = Math.round((megabytes * 1024 * 1024) / eventBytes);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const before = leg === 'gateway' ? (await env.gateway.usage()).rssBytes : 0;
  let peak = before;
  let sampling = leg === 'gateway';
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await env.gateway.usage()).rssBytes);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const request = env.request(leg, { model: 'bench-stream', stream: true, messages: [{ role: 'user', content: 'bulk' }], bench: { events, event_bytes: eventBytes, pacing_ms: 0 } });
    let tail = '';
    const timing = await send(agent, request, { onChunk: (chunk) => (tail = (tail + chunk.toString('latin1')).slice(-32)) });
    sampling = false;
    await sampler;
    const seconds = timing.totalNs / 1e9;
    return {
      bytes: timing.bytes,
      mbPerSecond: timing.bytes / 1e6 / seconds,
      ...(leg === 'gateway' ? { rssGrowthMb: (peak - before) / 1e6 } : {}),
      complete: timing.status === 200 && tail.endsWith('data: [DONE]\n\n') && timing.bytes >= events * eventBytes,
    };
  } finally {
    sampling = false;
    agent.destroy();
  }
}
