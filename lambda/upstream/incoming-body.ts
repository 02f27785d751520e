import type { IncomingMessage } from 'node:http';
import type { ChunkSource } from '../domain/answer.js';

/**
 * An upstream answer's body as a {@link ChunkSource}, read in paused mode: each read takes what the socket has
 * buffered (`answer.read()`, no flowing mode, no pause and resume per chunk) or waits for the next `readable`, so
 * a slow caller slows Mantle's stream down instead of filling memory. A body destroyed before its end (the call
 * aborted, the connection cut) rejects the next read: it must not look complete.
 */
export function incomingBody(answer: IncomingMessage): ChunkSource {
  return new IncomingBody(answer);
}

class IncomingBody implements ChunkSource {
  private ended = false;
  private failure: Error | undefined;
  private waiting: { resolve: (chunk: Uint8Array | undefined) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly answer: IncomingMessage) {
    answer.on('readable', () => {
      const waiting = this.waiting;
      if (!waiting) return;
      const chunk = answer.read() as Buffer | null;
      if (chunk === null) return; // at the end: 'end' follows
      this.waiting = undefined;
      waiting.resolve(chunk);
    });
    answer.once('end', () => {
      this.ended = true;
      this.settle((waiting) => waiting.resolve(undefined));
    });
    answer.on('error', (error) => this.fail(error));
    answer.once('close', () => {
      if (!answer.complete) this.fail(answer.errored ?? new Error('The upstream answer was cut off before its end.'));
    });
  }

  read(): Promise<Uint8Array | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(undefined);
    const chunk = this.answer.read() as Buffer | null;
    if (chunk !== null) return Promise.resolve(chunk);
    if (this.answer.complete && this.answer.readableLength === 0) {
      // All of it arrived and has been read: the end is known now, before Node's 'end' event a few ticks later.
      this.ended = true;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** A body that arrived whole is drained (its socket is reused); one still arriving is cut off. */
  cancel(): void {
    if (this.ended || this.failure) return;
    this.ended = true;
    this.settle((waiting) => waiting.resolve(undefined));
    if (this.answer.complete) this.answer.resume();
    else this.answer.destroy();
  }

  private fail(error: Error): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.settle((waiting) => waiting.reject(error));
  }

  private settle(how: (waiting: NonNullable<IncomingBody['waiting']>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) how(waiting);
  }
}
