import { Writable } from 'node:stream';
import type { HttpResponseStreamFactory, ResponseStreamPrelude } from '../../lambda/adapters/lambda-runtime-types.js';

/**
 * A response stream that behaves like the Lambda Node.js runtime's: `HttpResponseStream.from` sends the JSON
 * prelude and 8 NUL bytes on the first `write()` only, so an `end()` without a write loses status and headers
 * (aws-lambda-nodejs-runtime-interface-client issue #97). Records what reached the wire.
 */
export class FakeResponseStream extends Writable {
  readonly chunks: Buffer[] = [];
  private blocked: Array<() => void> | undefined;

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  /** Holds every write until `release()`: a slow client, to observe backpressure. */
  block(): void {
    this.blocked ??= [];
  }

  release(): void {
    const waiting = this.blocked ?? [];
    this.blocked = undefined;
    for (const callback of waiting) callback();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.blocked) this.blocked.push(() => callback());
    else callback();
  }

  get wire(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Splits what was sent into the prelude (if any) and the body, as the function URL front does. */
  parse(): { prelude: ResponseStreamPrelude | undefined; body: string } {
    const wire = this.wire;
    const separator = wire.indexOf(Buffer.alloc(8));
    if (separator < 0) return { prelude: undefined, body: wire.toString() };
    return { prelude: JSON.parse(wire.subarray(0, separator).toString()), body: wire.subarray(separator + 8).toString() };
  }
}

export const fakeHttpResponseStream: HttpResponseStreamFactory = {
  from(responseStream, prelude) {
    let preludeSent = false;
    const originalWrite = responseStream.write.bind(responseStream);
    responseStream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!preludeSent) {
        preludeSent = true;
        originalWrite(Buffer.concat([Buffer.from(JSON.stringify(prelude)), Buffer.alloc(8)]));
      }
      return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof responseStream.write;
    return responseStream;
  },
};
