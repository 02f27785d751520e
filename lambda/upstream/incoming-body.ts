import type { IncomingMessage } from 'node:http';
import type { ChunkSource } from '../domain/answer.js';

/**
 * An upstream answer's body as a {@link ChunkSource}: at most one chunk is read ahead, and the socket is paused
 * until that chunk is asked for, so a slow caller slows Mantle's stream down instead of filling memory.
 * A body destroyed before its end (the call aborted, the connection cut) rejects the next read: it must not look
 * complete.
 */
export function incomingBody(answer: IncomingMessage): ChunkSource {
  return new IncomingBody(answer);
}

class IncomingBody implements ChunkSource {
  private readonly queued: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private waiting: { resolve: (chunk: Uint8Array | undefined) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly answer: IncomingMessage) {
    answer.on('data', (chunk: Buffer) => {
      const waiting = this.waiting;
      if (waiting) {
        this.waiting = undefined;
        waiting.resolve(chunk);
        return;
      }
      this.queued.push(chunk);
      answer.pause();
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
    const chunk = this.queued.shift();
    if (chunk !== undefined) {
      if (this.queued.length === 0) this.answer.resume();
      return Promise.resolve(chunk);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.answer.resume();
    });
  }

  cancel(): void {
    this.answer.destroy();
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
