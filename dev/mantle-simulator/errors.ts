/**
 * Mantle's two error envelopes and the errors the simulator raises. The envelope follows the path, not the
 * model: OpenAI-shaped under `/v1` and `/openai/v1`, Anthropic-shaped under `/anthropic/`.
 */

export type Envelope = 'openai' | 'anthropic';

export interface SimulatorErrorOptions {
  /** OpenAI envelope `code`; Mantle uses e.g. `validation_error`, `model_not_found`. */
  code?: string;
  /** OpenAI envelope `param`. */
  param?: string;
  /** Overrides the `type` derived from the status. */
  type?: string;
}

/** An error answer the simulator gives on purpose; anything else thrown by a handler becomes a 500. */
export class SimulatorError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly type: string | undefined;

  constructor(status: number, message: string, options: SimulatorErrorOptions = {}) {
    super(message);
    this.name = 'SimulatorError';
    this.status = status;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.type = options.type;
  }
}

export function envelopeForPath(path: string): Envelope {
  return path === '/anthropic' || path.startsWith('/anthropic/') ? 'anthropic' : 'openai';
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  503: 'service_unavailable_error',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

function typeFor(envelope: Envelope, status: number): string {
  const table = envelope === 'openai' ? OPENAI_TYPES : ANTHROPIC_TYPES;
  return table[status] ?? (status >= 500 ? table[500] ?? 'api_error' : 'invalid_request_error');
}

/** Renders `error` in the envelope the path calls for. */
export function renderError(envelope: Envelope, error: SimulatorError, requestId: string): object {
  const type = error.type ?? typeFor(envelope, error.status);
  if (envelope === 'anthropic') {
    return { type: 'error', error: { type, message: error.message }, request_id: requestId };
  }
  return { error: { message: error.message, type, param: error.param, code: error.code } };
}

/** Messages for fault answers that name only a status; worded like Mantle's real answers to these statuses. */
const FAULT_MESSAGES: Record<number, string> = {
  400: 'The request was invalid.',
  401: 'Unauthorized.',
  403: 'You do not have access to this resource.',
  404: 'The requested resource was not found.',
  408: 'The request timed out.',
  429: 'Too many tokens, please wait before trying again.',
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway.',
  503: 'The model is currently unavailable due to high demand. Please try again later.',
  504: 'The request timed out before the model could respond.',
};

export function faultError(status: number): SimulatorError {
  const message = FAULT_MESSAGES[status] ?? `Simulated error with status ${status}.`;
  return new SimulatorError(status, message, { code: status === 429 ? 'rate_limit_exceeded' : `http_${status}` });
}

// Mantle's own wording for the rejections gateways most often have to recognise.
export function routeNotSupported(modelId: string): SimulatorError {
  return new SimulatorError(400, `model \`${modelId}\` isn't supported on this route`, { code: 'validation_error' });
}

export function modelNotFound(envelope: Envelope, modelId: string): SimulatorError {
  if (envelope === 'anthropic') return new SimulatorError(404, `model: ${modelId}`);
  return new SimulatorError(404, `The model \`${modelId}\` does not exist or you do not have access to it.`, {
    code: 'model_not_found',
    param: 'model',
  });
}

export function invalidJson(detail: string): SimulatorError {
  return new SimulatorError(400, `Failed to deserialize the JSON body into the target type: ${detail}`, {
    code: 'validation_error',
  });
}

export function notFound(method: string, path: string): SimulatorError {
  return new SimulatorError(404, `Unknown request URL: ${method} ${path}. Please check the URL and try again.`, {
    code: 'unknown_url',
  });
}
