import type { Writable } from 'node:stream';
import type { ChunkSource } from '../domain/answer.js';

/**
 * Writes a streamed body to a Node writable chunk by chunk, as each chunk arrives, waiting for `drain` when the
 * destination is full (backpressure), then ends it. A destination closed early (the caller left) cancels the body,
 * which ends the upstream call. No Node or web stream in between, no abort signal per request (docs/adr/0012).
 *
 * @param already chunks read before, written first
 * @throws what the body throws (an upstream cut mid-answer); the caller destroys the destination then.
 */
export async function pipeBody(source: ChunkSource, destination: Writable, already: readonly Uint8Array[] = []): Promise<void> {
  const onClose = (): void => {
    if (!destination.writableFinished) source.cancel();
  };
  destination.once('close', onClose);
  try {
    let full = false;
    for (const chunk of already) full = !destination.write(chunk);
    if (full) await drained(destination);
    for (;;) {
      const chunk = await source.read();
      if (chunk === undefined || destination.destroyed) break;
      if (!destination.write(chunk)) await drained(destination);
    }
    destination.end();
    // Done when the destination has flushed (the Lambda runtime's stream must finish before the handler returns).
    if (!destination.writableFinished && !destination.destroyed) await settled(destination, 'finish');
  } finally {
    destination.off('close', onClose);
  }
}

/** Writes a whole body (or none) and ends, done when the destination has flushed. */
export async function endWith(destination: Writable, body: string | Uint8Array | undefined): Promise<void> {
  if (body === undefined) destination.end();
  else destination.end(body);
  if (!destination.writableFinished && !destination.destroyed) await settled(destination, 'finish');
}

function drained(destination: Writable): Promise<void> {
  return destination.destroyed ? Promise.resolve() : settled(destination, 'drain');
}

/** The event, or the destination closing first. */
function settled(destination: Writable, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      destination.off(event, done);
      destination.off('close', done);
      resolve();
    };
    destination.on(event, done);
    destination.on('close', done);
  });
}
