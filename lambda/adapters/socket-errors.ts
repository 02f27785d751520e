import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../domain/errors.js';
import { renderError } from '../core/render-error.js';
import { unservedMethod } from './inbound-request.js';
import type { ApiSurface } from '../domain/api-surface.js';
import { surfaceOf } from '../core/index.js';

/**
 * Answers, in the API envelope, what node:http does not hand to the request listener: CONNECT (its own event;
 * unanswered, node closes the socket with no reply) and requests its parser rejects (node's default is a bare
 * `400 Bad Request` with no body). The connection is closed after each: what follows on it cannot be trusted.
 */
export function answerSocketLevelErrors(server: Server): void {
  server.on('connect', (_req, socket: Duplex) => {
    writeError(socket, unservedMethod('CONNECT'));
  });
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    writeError(socket, parserError(error), surfaceOfPacket(error.rawPacket));
  });
}

/**
 * The envelope for a request the parser rejected after its request line (a control character in a header, say):
 * the line is usually in the packet the parser saw, and its path says which API the caller speaks. Only a path
 * that looks like one counts; anything else gets the OpenAI envelope.
 */
function surfaceOfPacket(packet: Buffer | undefined): ApiSurface {
  const line = packet?.subarray(0, Math.min(packet.length, 2048)).toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = /^[A-Z]{1,16} (\/[^ ?#]*)/.exec(line)?.[1];
  return target === undefined ? 'openai' : surfaceOf(target);
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
function writeError(socket: Duplex, error: GatewayError, surface: ApiSurface = 'openai'): void {
  const response = renderError(error, surface);
  const body = typeof response.body === 'string' ? response.body : '';
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  for (const [name, value] of Object.entries(response.headers)) head.push(`${name}: ${value}`);
  head.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
