import { connect } from 'node:net';

/** What came back on the socket: `status` 0 and an empty `raw` mean the server closed without a reply. */
export interface RawReply {
  readonly raw: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Sends bytes no HTTP client library would send (TRACE, CONNECT, `Host: a b`, an absolute-form target, UTF-8 in a
 * header value) over a plain socket and reads until the server closes. Each request should carry
 * `Connection: close` so the read ends.
 *
 * @example
 * const reply = await rawRequest(server.url, 'TRACE /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
 */
export async function rawRequest(baseUrl: string, request: string | Buffer, timeoutMs = 5_000): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of reply within ${timeoutMs} ms: ${Buffer.concat(chunks).toString('latin1')}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset counts as "no reply", judged below
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return parseReply(Buffer.concat(chunks).toString('latin1'));
}

function parseReply(raw: string): RawReply {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/') || headEnd < 0) return { raw, status: 0, headers: {}, body: '' };
  const [statusLine = '', ...lines] = raw.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.slice(headEnd + 4);
  const body = headers['transfer-encoding']?.toLowerCase() === 'chunked' ? dechunk(rest) : rest;
  return { raw, status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}

function dechunk(text: string): string {
  let out = '';
  let position = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', position);
    if (lineEnd < 0) return out;
    const size = parseInt(text.slice(position, lineEnd), 16);
    if (!(size > 0)) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    position = lineEnd + 2 + size + 2;
  }
}
