import type { ChunkSource } from '../domain/answer.js';
import type { ErrorType, RequestFacts } from '../domain/request-facts.js';
import type { StreamFormat } from '../domain/stream-format.js';
import { inBandError, nextSequenceNumber } from './in-band-error.js';

export interface WatchOptions {
  /** The caller's format, for the in-band error event. */
  readonly format: StreamFormat;
  /** No byte from upstream for this long, and the stream is given up. */
  readonly idleTimeoutMs: number;
  /** The request's facts: a stall or a cut is noted as its error, before the record stage looks. */
  readonly facts: RequestFacts;
  /** Aborted when the caller left: then the stream just ends, with no error event for nobody. */
  readonly clientSignal: AbortSignal;
  /** Aborts the upstream call: once the gateway gives up, nothing more is read. */
  readonly abort: AbortController;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The watch stage on a committed stream: passes the upstream's chunks through as they are read, with `held` (the
 * opening events the admission kept back) first. One idle timer, refreshed per read. A stall, a cut or a read
 * error becomes exactly one in-band error event in the caller's format, then a clean end, and the upstream call
 * is aborted so nothing it sends later reaches the caller.
 *
 * Pull-based: one upstream read per read, no copy of a chunk that ends on an event boundary (all of them, in
 * practice). A chunk that ends inside an event has its tail kept until the rest arrives, so an error event never
 * lands in the middle of one.
 */
export function watchStream(source: ChunkSource, held: readonly Uint8Array[], options: WatchOptions): ChunkSource {
  const { facts } = options;
  let carry: Uint8Array | undefined;
  let lastSent: Uint8Array | undefined = held.at(-1);
  let nextHeld = 0;
  /** The rest of a chunk whose first part completed the held tail: sent on the next read, before reading on. */
  let queued: Uint8Array | undefined;
  let done = false;
  /** Settles the read in progress early: the idle timer's way to stop waiting on a silent upstream. */
  let interrupt: ((step: Step) => void) | undefined;
  // One timer per stream, re-armed (`refresh()`, which also revives a timer that has fired) at each read. It
  // counts only while waiting on upstream, not while a slow caller has not asked for more.
  const timer = setTimeout(() => interrupt?.(IDLE), options.idleTimeoutMs);

  /** The last chunk: the in-band error for a failure the caller is still there to read, then the end. */
  const end = (failure?: ErrorType): Uint8Array | undefined => {
    done = true;
    clearTimeout(timer);
    if (failure || options.clientSignal.aborted) options.abort.abort();
    if (!failure || options.clientSignal.aborted) return undefined;
    const message = failure === 'stream_idle_timeout' ? `Mantle sent no bytes for ${options.idleTimeoutMs} ms after the stream started.` : 'The upstream connection broke mid-stream.';
    facts.error ??= { type: failure, message, ...(facts.upstreamRequestId !== undefined ? { upstreamRequestId: facts.upstreamRequestId } : {}) };
    return inBandError(options.format, failure, options.format === 'responses' ? nextSequenceNumber([lastSent]) : 0);
  };

  const readUpstream = (): Promise<Step> =>
    new Promise<Step>((resolve) => {
      interrupt = resolve;
      timer.refresh();
      source.read().then(resolve, () => resolve(BROKEN));
    }).finally(() => (interrupt = undefined));

  return {
    async read() {
      if (nextHeld < held.length) return held[nextHeld++];
      if (queued && !done) {
        lastSent = queued;
        queued = undefined;
        return lastSent;
      }
      // Loops only while a chunk ends inside an event and so yields nothing to send yet.
      while (!done) {
        const step = await readUpstream();
        if (done) return undefined;
        if (step === IDLE) return end('stream_idle_timeout');
        if (step === BROKEN) return end('stream_interrupted');
        if (step === undefined) {
          const rest = carry;
          end();
          if (rest) return rest;
          return undefined;
        }
        const boundary = endsAtBoundary(step) ? step.length : lastBoundary(step);
        if (carry) {
          const upTo = Math.max(boundary, junctionBoundary(carry, step));
          // Still inside the held event: keep gathering it.
          if (upTo === 0) {
            carry = concat(carry, step);
            continue;
          }
          // The held tail and this chunk up to its last boundary are whole events: sent as two pieces, back to
          // back (nothing reads upstream in between), so the chunk is not copied to join them.
          const head = carry;
          queued = step.subarray(0, upTo);
          carry = upTo < step.length ? step.subarray(upTo) : undefined;
          lastSent = head;
          return head;
        }
        carry = boundary < step.length ? step.subarray(boundary) : undefined;
        if (boundary === 0) continue;
        lastSent = boundary === step.length ? step : step.subarray(0, boundary);
        return lastSent;
      }
      return undefined;
    },
    cancel() {
      // The caller went away (the adapter cancels the body): stop reading and abort upstream.
      if (done) return;
      done = true;
      clearTimeout(timer);
      interrupt?.(undefined);
      options.abort.abort();
      source.cancel();
    },
  };
}

/** What one wait on upstream ended with: a chunk, its end (undefined), silence, or a broken read. */
type Step = Uint8Array | undefined | typeof IDLE | typeof BROKEN;
const IDLE = Symbol('idle');
const BROKEN = Symbol('broken');

function endsAtBoundary(chunk: Uint8Array): boolean {
  const length = chunk.length;
  return length >= 2 && chunk[length - 1] === LF && (chunk[length - 2] === LF || (chunk[length - 2] === CR && chunk[length - 3] === LF));
}

/** The offset just after the last blank line (`\n\n` or `\n\r\n`), or 0. */
function lastBoundary(chunk: Uint8Array): number {
  for (let index = chunk.length - 1; index >= 1; index -= 1) {
    if (chunk[index] !== LF) continue;
    if (chunk[index - 1] === LF) return index + 1;
    if (chunk[index - 1] === CR && index >= 2 && chunk[index - 2] === LF) return index + 1;
  }
  return 0;
}

/** The offset in `next` just after a blank line that starts at the end of `held` (`\n` | `\n`, `\n` | `\r\n`, `\n\r` | `\n`), or 0. */
function junctionBoundary(held: Uint8Array, next: Uint8Array): number {
  const last = held[held.length - 1];
  if (last === LF) {
    if (next[0] === LF) return 1;
    if (next[0] === CR && next[1] === LF) return 2;
  } else if (last === CR && held[held.length - 2] === LF && next[0] === LF) return 1;
  return 0;
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
