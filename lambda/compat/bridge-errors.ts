import { InvalidRequestError } from '../domain/errors.js';

export type Json = unknown;

/**
 * The 400 for a Chat Completions parameter the bridge cannot carry to the Responses API. It names the parameter
 * and the way out: the model itself is served natively on /v1/responses.
 */
export function untranslatable(param: string, reason: string): InvalidRequestError {
  return new InvalidRequestError(
    `${param} ${reason}: the Chat Completions bridge to the Responses API cannot translate it and never drops it silently. Remove it, or call /v1/responses, which serves this model natively.`,
    { code: 'unsupported_parameter', param },
  );
}
