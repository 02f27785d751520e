import type { Writable } from 'node:stream';
import { isChunkSource, type Answer } from '../domain/answer.js';
import { surfaceOf, type Gateway, type GatewayRequest, type Invocation } from '../core/index.js';
import { renderError } from '../core/render-error.js';
import { answerRefusal, asGatewayError, toInboundRequest } from './inbound-request.js';
import { endWith, pipeBody } from './pipe-body.js';
import type { FunctionUrlEvent, HttpResponseStreamFactory, LambdaContextLike, StreamingHandler } from './lambda-runtime-types.js';

/**
 * Adapts the gateway to a function URL in RESPONSE_STREAM mode: event to Request, Response to the runtime's
 * response stream. The body is written as it arrives, with backpressure ({@link pipeBody}); a caller who disconnects aborts the upstream call (the
 * function itself keeps running until the handler returns, so it must notice).
 *
 * @param onInvocation called first on each invocation, with the Lambda context
 * @example
 * export const handler = awslambda.streamifyResponse(createFunctionUrlHandler(gateway, awslambda.HttpResponseStream));
 */
export function createFunctionUrlHandler(
  gateway: Gateway,
  httpResponseStream: HttpResponseStreamFactory,
  onInvocation?: (context: LambdaContextLike) => void,
): StreamingHandler {
  return async (event: FunctionUrlEvent, responseStream: Writable, context: LambdaContextLike) => {
    const receivedAt = performance.now();
    // The logger's per-invocation context (request id, cold start): the Powertools middleware does not fit a
    // streaming handler, so the entry point passes this hook.
    onInvocation?.(context);
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    responseStream.once('close', abort);
    responseStream.once('error', abort);
    const invocation = toInvocation(event, context, receivedAt);
    const response = await respond(gateway, event, controller.signal, invocation);
    const stream = httpResponseStream.from(responseStream, { statusCode: response.status, headers: response.headers });
    // The runtime sends the prelude (status, headers) on the first write(); end() alone would drop it.
    stream.write('');
    const body = response.body;
    if (!isChunkSource(body)) return endWith(stream, body);
    try {
      await pipeBody(body, stream);
    } catch (error) {
      abort();
      // After the first byte the status is sent; a caller who left is not an error worth failing the invocation.
      if (!responseStream.destroyed && !responseStream.writableFinished) throw error;
    }
  };
}

function toInvocation(event: FunctionUrlEvent, context: LambdaContextLike, receivedAt: number): Invocation {
  const arn = event.requestContext.authorizer?.iam?.userArn;
  return {
    requestId: context.awsRequestId,
    receivedAt,
    ...(arn ? { iamCallerArn: arn } : {}),
    ...(context.getRemainingTimeInMillis ? { remainingTimeMs: () => context.getRemainingTimeInMillis!() } : {}),
  };
}

/**
 * The gateway's answer, or an API-shaped error when the event holds what no Request can (a TRACE method, a header
 * no HTTP message can carry): the prelude must be written in every case, or the function URL answers a bare 502.
 */
async function respond(gateway: Gateway, event: FunctionUrlEvent, signal: AbortSignal, invocation: Invocation): Promise<Answer> {
  let request: GatewayRequest;
  try {
    request = toRequest(event, signal);
  } catch (error) {
    return answerRefusal(gateway, error, event.rawPath ?? '/', signal, invocation);
  }
  try {
    return await gateway(request, invocation);
  } catch (error) {
    return renderError(asGatewayError(error), surfaceOf(event.rawPath ?? '/'), invocation.requestId);
  }
}

function toRequest(event: FunctionUrlEvent, signal: AbortSignal): GatewayRequest {
  const host = event.requestContext.domainName ?? event.headers?.['host'] ?? 'lambda-url.invalid';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  return toInboundRequest({
    method: event.requestContext.http.method,
    url: `https://${host}${event.rawPath}${query}`,
    headers: Object.entries(event.headers ?? {}),
    ...(body !== undefined ? { body } : {}),
    signal,
  });
}
