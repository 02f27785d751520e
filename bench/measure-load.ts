/**
 * Load: many concurrent streams through one gateway process (errors, time to first byte, memory), and CPU per
 * request at saturation (each server's own user+system time, divided by the requests it served).
 */
import { Agent } from 'node:http';
import type { BenchEnvironment, LegName } from './environment.js';
import { percentile, send } from './http-client.js';
import type { ServerProcess } from './processes.js';

export interface ConcurrencyResult {
  readonly streams: number;
  readonly errors: number;
  /** Most streams open at once, as the client saw them. */
  readonly peakOpen: number;
  readonly ttfbP50Ms: number;
  readonly ttfbP99Ms: number;
  /** The gateway's highest RSS during the run (gateway leg only). */
  readonly peakRssMb?: number;
}

export async function measureConcurrency(env: BenchEnvironment, leg: LegName, streams: number): Promise<ConcurrencyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let open = 0;
  let peakOpen = 0;
  let errors = 0;
  let peakRss = 0;
  let sampling = leg === 'gateway';
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, (await env.gateway.usage()).rssBytes);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  // Each stream lasts about a second (10 events, 100 ms apart), so all of them are open at once.
  const body = { model: 'bench-stream', stream: true, messages: [{ role: 'user', content: 'many' }], bench: { events: 10, event_bytes: 256, pacing_ms: 100 } } as const;
  const ttfbs: number[] = [];
  try {
    const requests = Array.from({ length: streams }, () => env.request(leg, body));
    await Promise.all(
      requests.map(async (request) => {
        open += 1;
        peakOpen = Math.max(peakOpen, open);
        try {
          const timing = await send(agent, request, { keepBody: true });
          if (timing.status !== 200 || !timing.text?.endsWith('data: [DONE]\n\n')) errors += 1;
          else ttfbs.push(timing.firstByteNs / 1e6);
        } catch {
          errors += 1;
        } finally {
          open -= 1;
        }
      }),
    );
  } finally {
    sampling = false;
    await sampler;
    agent.destroy();
  }
  return {
    streams,
    errors,
    peakOpen,
    ttfbP50Ms: percentile(ttfbs, 50),
    ttfbP99Ms: percentile(ttfbs, 99),
    ...(leg === 'gateway' ? { peakRssMb: peakRss / 1e6 } : {}),
  };
}

export interface SaturationResult {
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  /** The leg's own server (gateway or floor): µs of user+system CPU per request. */
  readonly serverCpuUsPerRequest: number;
  /** The simulator's CPU per request during the same run: what the upstream itself costs. */
  readonly simulatorCpuUsPerRequest: number;
}

/** `concurrency` keep-alive connections, each sending small non-streamed requests back to back. */
export async function measureSaturation(env: BenchEnvironment, leg: 'gateway' | 'floor' | 'direct', requests: number, concurrency: number): Promise<SaturationResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const server: ServerProcess | undefined = leg === 'gateway' ? env.gateway : leg === 'floor' ? env.floor : undefined;
  const body = { model: 'bench-chat', messages: [{ role: 'user', content: 'ping' }], max_tokens: 8 } as const;
  let remaining = requests;
  let errors = 0;
  const cpu = async (target: ServerProcess | undefined): Promise<number> => {
    if (!target) return 0;
    const usage = await target.usage();
    return usage.userUs + usage.systemUs;
  };
  const [serverBefore, simulatorBefore] = [await cpu(server), await cpu(env.simulator)];
  const started = process.hrtime.bigint();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (remaining > 0) {
          remaining -= 1;
          const timing = await send(agent, env.request(leg, body)).catch(() => undefined);
          if (timing?.status !== 200) errors += 1;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [serverAfter, simulatorAfter] = [await cpu(server), await cpu(env.simulator)];
  return {
    requests,
    errors,
    requestsPerSecond: requests / seconds,
    serverCpuUsPerRequest: (serverAfter - serverBefore) / requests,
    simulatorCpuUsPerRequest: (simulatorAfter - simulatorBefore) / requests,
  };
}
