/**
 * The bench's client: plain `node:http` over a keep-alive agent, timing each request with the monotonic clock
 * (nanoseconds). Time to first byte is the first body chunk (for SSE, the first event), not the headers.
 */
import { request, type Agent } from 'node:http';

export interface BenchRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface Timing {
  readonly status: number;
  /** ns from sending to the first body chunk */
  readonly firstByteNs: number;
  /** ns from sending to the end of the body */
  readonly totalNs: number;
  readonly bytes: number;
  /** The body, when asked to keep it. */
  readonly text?: string;
}

export interface SendOptions {
  /** Called with each body chunk and the monotonic time it arrived (`process.hrtime.bigint()`). */
  readonly onChunk?: (chunk: Buffer, arrivedAt: bigint) => void;
  readonly keepBody?: boolean;
}

export function send(agent: Agent, target: BenchRequest, options: SendOptions = {}): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(target.body.length), ...target.headers },
      },
      (res) => {
        let firstByte: bigint | undefined;
        let bytes = 0;
        const kept: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          const now = process.hrtime.bigint();
          firstByte ??= now;
          bytes += chunk.length;
          if (options.keepBody) kept.push(chunk);
          options.onChunk?.(chunk, now);
        });
        res.once('end', () => {
          const end = process.hrtime.bigint();
          resolve({
            status: res.statusCode ?? 0,
            firstByteNs: Number((firstByte ?? end) - started),
            totalNs: Number(end - started),
            bytes,
            ...(options.keepBody ? { text: Buffer.concat(kept).toString('utf8') } : {}),
          });
        });
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(target.body);
  });
}

/** The `p`-th percentile (0-100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
