/**
 * Checkpoints shared by a test and the handler it runs: the handler `POST`s to
 * `<url>/<name>` (optionally with a JSON report) and is held there until the test releases it.
 * This orders events across processes without sleeping, e.g. "the client has the first chunk
 * while the handler has not yet written the last one".
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Checkpoints {
  /** Base URL for the handler, passed as `CHECKPOINT_URL`. */
  readonly url: string;
  /** Settles with the handler's report once it arrives at `name`. */
  reached(name: string): Promise<string>;
  /** Lets the handler waiting at `name` (now or later) continue. */
  release(name: string): void;
  close(): Promise<void>;
}

interface Checkpoint {
  readonly reached: Promise<string>;
  arrive(report: string, res: ServerResponse): void;
  release(): void;
}

function checkpoint(): Checkpoint {
  let onArrive!: (report: string) => void;
  const reached = new Promise<string>((resolve) => (onArrive = resolve));
  let waiting: ServerResponse | undefined;
  let released = false;
  return {
    reached,
    arrive(report, res) {
      onArrive(report);
      if (released) res.writeHead(204).end();
      else waiting = res;
    },
    release() {
      released = true;
      waiting?.writeHead(204).end();
      waiting = undefined;
    },
  };
}

export async function startCheckpoints(): Promise<Checkpoints> {
  const points = new Map<string, Checkpoint>();
  const point = (name: string): Checkpoint => {
    let found = points.get(name);
    if (found === undefined) points.set(name, (found = checkpoint()));
    return found;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => point(decodeURIComponent((req.url ?? '/').slice(1))).arrive(Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reached: (name) => point(name).reached,
    release: (name) => point(name).release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
