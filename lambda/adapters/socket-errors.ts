import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Answer } from '../domain/answer.js';
import { GatewayError } from '../domain/errors.js';
import type { Gateway } from '../core/index.js';
import { answerRefusal, unservedMethod } from './inbound-request.js';

/**
 * Answers, in the API envelope, what node:http does not hand to the request listener: CONNECT (its own event;
 * unanswered, node closes the socket with no reply) and requests its parser rejects (node's default is a bare
 * `400 Bad Request` with no body). The gateway answers and records them as refused requests. The connection is
 * closed after each: what follows on it cannot be trusted.
 */
export function answerSocketLevelErrors(server: Server, gateway: Gateway): void {
  server.on('connect', (_req, socket: Duplex) => {
    void refuseOnSocket(gateway, socket, unservedMethod('CONNECT'), '/');
  });
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    void refuseOnSocket(gateway, socket, parserError(error), pathOfPacket(error.rawPacket));
  });
}

async function refuseOnSocket(gateway: Gateway, socket: Duplex, error: GatewayError, path: string): Promise<void> {
  const invocation = { requestId: randomUUID(), receivedAt: performance.now(), reportsDisconnect: true };
  const answer = await answerRefusal(gateway, error, path, new AbortController().signal, invocation);
  if (socket.writable) writeWhole(socket, answer);
  else socket.destroy();
}

/**
 * The path of a request the parser rejected after its request line (a control character in a header, say): the
 * line is usually in the packet the parser saw, and its path says which API the caller speaks. Only a path that
 * looks like one counts; anything else is `/` (the OpenAI envelope).
 */
function pathOfPacket(packet: Buffer | undefined): string {
  const line = packet?.subarray(0, Math.min(packet.length, 2048)).toString('latin1').split('\r\n', 1)[0] ?? '';
  return /^[A-Z]{1,16} (\/[^ ?#]*)/.exec(line)?.[1] ?? '/';
}

function parserError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): GatewayError {
  switch (error.code) {
    case 'HPE_INVALID_METHOD':
      return unservedMethod(error.rawPacket?.toString('latin1').split(' ', 1)[0] ?? '?');
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError(431, 'request_too_large', 'The request headers are too large.', { code: 'request_too_large' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError(408, 'invalid_request', 'The request did not arrive in time.', { code: 'request_timeout' });
    default:
      return new GatewayError(400, 'invalid_request', 'The request is not a valid HTTP/1.1 message.', { code: 'malformed_request' });
  }
}

/** Writes a whole HTTP/1.1 response by hand: there is no ServerResponse for these sockets. */
function writeWhole(socket: Duplex, response: Answer): void {
  const body = typeof response.body === 'string' ? response.body : '';
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  for (const [name, value] of Object.entries(response.headers)) head.push(`${name}: ${value}`);
  head.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
