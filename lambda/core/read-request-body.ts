import { InvalidRequestError } from '../domain/errors.js';
import { INFERENCE_ENDPOINTS, type InferenceOperation } from './endpoints.js';
import { scanTopLevelModel, type ModelFields } from './json-model-field.js';
import type { GatewayRequest } from './gateway-request.js';

/** An inference request body, read and checked once: the text as sent, its parsed form and where `model` is. */
export interface InferenceBody {
  /** The body exactly as sent (valid UTF-8, decoded): only the model value is swapped before it goes upstream. */
  readonly text: string;
  readonly json: Readonly<Record<string, unknown>>;
  /** The gateway model id the caller asked for. */
  readonly model: string;
  readonly modelFields: ModelFields;
}

/**
 * Fatal: one pass both validates and decodes. A lenient decoder (what `request.text()` uses) would turn invalid
 * bytes into U+FFFD and forward a body the caller never sent. Decoding without `stream` keeps no state between
 * calls, so one instance serves every request.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an inference request body: valid UTF-8 (JSON text is UTF-8, RFC 8259), a JSON object, a non-empty
 * string `model`, and no top-level key that differs from `model` only in case.
 *
 * @throws InvalidRequestError (400) naming what is wrong; nothing has been sent upstream.
 */
export async function readInferenceBody(request: GatewayRequest, operation: InferenceOperation): Promise<InferenceBody> {
  const text = decodeUtf8(await request.arrayBuffer());
  const json = parseJsonObject(text);
  const modelFields = scanTopLevelModel(text);
  if (modelFields.caseVariant !== undefined) {
    throw new InvalidRequestError(
      `The request body has a top-level key ${JSON.stringify(modelFields.caseVariant)}; the only model key is "model" (lower case).`,
      { code: 'invalid_model', param: 'model' },
    );
  }
  const model = json['model'];
  if (typeof model !== 'string' || model.length === 0) {
    throw new InvalidRequestError(
      model === undefined ? `model is required on ${INFERENCE_ENDPOINTS[operation].path}.` : 'model must be a non-empty string.',
      { code: 'invalid_model', param: 'model' },
    );
  }
  return { text, json, model, modelFields };
}

function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InvalidRequestError('The request body is not valid UTF-8; JSON request bodies must be encoded in UTF-8.', { code: 'invalid_encoding' });
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new InvalidRequestError(`The request body is not valid JSON${reason.slice(0, 200)}.`, { code: 'invalid_json' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_json' });
  }
  return parsed as Record<string, unknown>;
}
