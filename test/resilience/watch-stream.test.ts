import type { ChunkSource } from '../../lambda/domain/answer.js';
import { newRequestFacts } from '../../lambda/domain/request-facts.js';
import type { StreamFormat } from '../../lambda/domain/stream-format.js';
import { watchStream } from '../../lambda/watch/watch-stream.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An upstream body that yields `parts` on demand, then stalls (or ends, or errors) as told. */
function upstream(parts: string[], after: 'end' | 'stall' | 'error'): ChunkSource & { cancelled: boolean } {
  let index = 0;
  return {
    cancelled: false,
    async read() {
      const part = parts[index++];
      if (part !== undefined) return encoder.encode(part);
      if (after === 'end') return undefined;
      if (after === 'error') throw new TypeError('terminated');
      return new Promise<undefined>(() => undefined);
    },
    cancel() {
      this.cancelled = true;
    },
  };
}

function watch(body: ChunkSource, format: StreamFormat = 'chat', idleTimeoutMs = 60) {
  const abort = new AbortController();
  const facts = newRequestFacts();
  const stream = watchStream(body, [], { format, idleTimeoutMs, facts, clientSignal: new AbortController().signal, abort });
  return { stream, abort, facts };
}

async function readAll(stream: ChunkSource, delayMs = 0): Promise<string> {
  let text = '';
  for (;;) {
    const value = await stream.read();
    if (value === undefined) return text;
    text += decoder.decode(value);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

describe('the watch stage on a committed stream', () => {
  it('passes a healthy stream through unchanged, even to a caller slower than the idle timeout', async () => {
    const parts = ['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n'];
    const { stream, facts } = watch(upstream(parts, 'end'), 'chat', 30);
    expect(await readAll(stream, 80)).toBe(parts.join(''));
    expect(facts.error).toBeUndefined();
  });

  it('holds the tail of an event split across chunks until the rest arrives', async () => {
    const { stream } = watch(upstream(['data: {"a"', ':1}\n\ndata: {"b', '":2}\n\n'], 'end'));
    // The held tail goes out with the rest of its event right behind it (two pieces, no upstream read between).
    expect(decoder.decode(await stream.read())).toBe('data: {"a"');
    expect(decoder.decode(await stream.read())).toBe(':1}\n\n');
    expect(decoder.decode(await stream.read())).toBe('data: {"b');
    expect(decoder.decode(await stream.read())).toBe('":2}\n\n');
    expect(await stream.read()).toBeUndefined();
  });

  it('sends an event whose blank line is split between chunks as soon as it is complete', async () => {
    const { stream } = watch(upstream(['data: {"a":1}\n', '\n'], 'stall'), 'chat', 10_000);
    const text = decoder.decode(await stream.read()) + decoder.decode(await Promise.race([stream.read(), new Promise<undefined>((resolve) => setTimeout(resolve, 1_000))]));
    expect(text).toBe('data: {"a":1}\n\n');
    stream.cancel();
  });

  it('drops a half-received event when the upstream breaks, so the error event stands on its own', async () => {
    const { stream, facts } = watch(upstream(['event: x\ndata: {"sequence_number":4}\n\n', 'event: y\ndata: {"seq'], 'error'), 'responses');
    const text = await readAll(stream);
    expect(text).toBe('event: x\ndata: {"sequence_number":4}\n\nevent: error\ndata: {"type":"error","code":"stream_interrupted","message":"The connection to the upstream model broke; the answer is incomplete.","sequence_number":5}\n\n');
    expect(facts.error?.type).toBe('stream_interrupted');
  });

  it('ends a stalled stream with one error event and aborts the upstream', async () => {
    const { stream, abort, facts } = watch(upstream(['data: {"a":1}\n\n'], 'stall'), 'messages', 40);
    const text = await readAll(stream);
    expect(text).toBe('data: {"a":1}\n\nevent: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"The upstream model stopped sending; the gateway ended the stream."}}\n\n');
    expect(abort.signal.aborted).toBe(true);
    expect(facts.error?.type).toBe('stream_idle_timeout');
  });

  it('aborts and cancels the upstream when the caller cancels, even in the middle of a read', async () => {
    const body = upstream(['data: {"a":1}\n\n'], 'stall');
    const { stream, abort } = watch(body, 'chat', 10_000);
    await stream.read();
    const pending = stream.read();
    stream.cancel();
    expect(await pending).toBeUndefined();
    expect(abort.signal.aborted).toBe(true);
    expect(body.cancelled).toBe(true);
  });
});
