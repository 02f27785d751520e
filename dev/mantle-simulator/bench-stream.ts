/**
 * A synthetic streaming model for benchmarks (`SimulatorOptions.benchStreamModel`): a streaming chat request
 * for it is answered with `bench.events` chat chunks of about `bench.event_bytes` each, `bench.pacing_ms` apart
 * (0: as fast as the socket takes them), then `[DONE]`. Events are built from one template, not held in memory,
 * so a 100 MB answer costs the simulator little. Each chunk carries `sent_at_ns`, the monotonic clock
 * (`process.hrtime.bigint()`, the same clock in every process of a machine) when it was written, so a client can
 * tell how late each event reached it.
 */
import type { ServerResponse } from 'node:http';
import { SimulatorError } from './errors.js';
import { isRecord } from './request-fields.js';
import { pause } from './sse.js';

export interface BenchStreamSpec {
  readonly model: string;
  readonly events: number;
  readonly eventBytes: number;
  readonly pacingMs: number;
}

const LIMITS = { events: 1_000_000, event_bytes: 1024 * 1024, pacing_ms: 60_000 } as const;
const DEFAULTS = { events: 10, event_bytes: 256, pacing_ms: 0 } as const;

/** Reads the request's `bench` object (`events`, `event_bytes`, `pacing_ms`), defaults filled. */
export function benchStreamSpec(body: Record<string, unknown>, model: string): BenchStreamSpec {
  if (body['stream'] !== true) throw new SimulatorError(400, `${model} only streams: set "stream": true`, { code: 'validation_error' });
  const bench = isRecord(body['bench']) ? body['bench'] : {};
  const field = (name: keyof typeof LIMITS): number => {
    const value = bench[name] ?? DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > LIMITS[name]) {
      throw new SimulatorError(400, `bench.${name}: expected an integer from 0 to ${LIMITS[name]}`, { code: 'validation_error' });
    }
    return value;
  };
  return { model, events: field('events'), eventBytes: field('event_bytes'), pacingMs: field('pacing_ms') };
}

/** Writes the stream, honouring backpressure; stops early (quietly) when the client goes away. */
export async function writeBenchStream(res: ServerResponse, spec: BenchStreamSpec, signal: AbortSignal): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const head = `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(spec.model)},"choices":[{"index":0,"delta":{"content":"`;
  const tail = '"},"finish_reason":null}],"sent_at_ns":"';
  // Pad so that each event, with its timestamp zero-padded to 19 digits, is eventBytes long.
  const padding = 'x'.repeat(Math.max(0, spec.eventBytes - head.length - tail.length - 19 - '"}\n\n'.length));
  const prefix = head + padding + tail;
  for (let index = 0; index < spec.events; index += 1) {
    if (signal.aborted || res.destroyed) return;
    if (index > 0 && spec.pacingMs > 0 && !(await pause(spec.pacingMs, signal))) return;
    if (!res.write(`${prefix}${String(process.hrtime.bigint()).padStart(19, '0')}"}\n\n`)) await drained(res, signal);
  }
  res.end('data: [DONE]\n\n');
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
