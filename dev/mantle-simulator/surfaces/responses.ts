/**
 * The Responses API as Mantle serves it: create (plain, streamed or `background`), retrieve, delete and cancel,
 * with `previous_response_id` chaining that only sees responses stored by this simulator (this region).
 */
import { jsonAnswer, sseAnswer } from '../answers.js';
import type { Answer } from '../answers.js';
import { requireServable } from '../catalog.js';
import type { ModelCatalog } from '../catalog.js';
import { SimulatorError } from '../errors.js';
import { newOutputItemId, newResponseId, nowSeconds } from '../ids.js';
import { isRecord, optionalCount, optionalString, requireModelField } from '../request-fields.js';
import type { ResponseObject, ResponseStore } from '../response-store.js';
import type { OpenAIBasePath } from '../types.js';
import { responseEvents, responseObject } from './response-object.js';
import type { ResponseFrame } from './response-object.js';
import { planOutput, promptCharsOf } from './response-output.js';
import type { ResponseOutput } from './response-output.js';

/**
 * A background response is picked up quickly and finishes a second later: long enough for a test to poll it
 * in progress and cancel it even on a loaded machine, short enough for the demo.
 */
const BACKGROUND_START_MS = 25;
const BACKGROUND_RUN_MS = 1_000;

export class ResponsesSurface {
  readonly #catalog: ModelCatalog;
  readonly #store: ResponseStore;
  readonly #pacingMs: number;

  constructor(catalog: ModelCatalog, store: ResponseStore, pacingMs: number) {
    this.#catalog = catalog;
    this.#store = store;
    this.#pacingMs = pacingMs;
  }

  create(body: Record<string, unknown>, basePath: OpenAIBasePath): Answer {
    const previous = this.#previous(body);
    // On Mantle a chained request may omit `model`: it is inherited from the previous response.
    const modelId = body['model'] === undefined && previous ? String(previous['model']) : requireModelField(body);
    requireServable(this.#catalog, modelId, { surface: 'responses', basePath }, 'openai');
    const frame = buildFrame(body, modelId, previous);
    const completion = this.#complete(body, previous);

    if (body['stream'] === true) {
      if (frame.store) this.#store.save(responseObject(frame, completion, 'in_progress'));
      // The model finishes server-side even if the client leaves, so the stored copy always completes.
      return sseAnswer(responseEvents(frame, completion), () => {
        if (frame.store) this.#store.save(responseObject(frame, completion, 'done'));
      });
    }
    if (frame.background) {
      const queued = responseObject(frame, completion, 'queued');
      this.#store.save(queued);
      this.#runInBackground(frame, completion);
      return jsonAnswer(queued);
    }
    const done = responseObject(frame, completion, 'done');
    if (frame.store) this.#store.save(done);
    return jsonAnswer(done);
  }

  retrieve(id: string): Answer {
    return jsonAnswer(this.#require(id));
  }

  remove(id: string): Answer {
    this.#require(id);
    this.#store.delete(id);
    return jsonAnswer({ id, object: 'response', deleted: true });
  }

  cancel(id: string): Answer {
    const response = this.#require(id);
    if (response['background'] !== true) {
      throw new SimulatorError(400, 'Only responses created with background=true can be cancelled.', {
        param: 'response_id',
      });
    }
    const outcome = this.#store.cancel(id);
    if (!outcome) throw responseNotFound(id);
    const { status } = outcome.response;
    if (!outcome.cancelled && status !== 'cancelled') {
      const message =
        status === 'completed' ? 'Cannot cancel a completed response.' : `Cannot cancel a response with status '${status}'.`;
      throw new SimulatorError(400, message, { param: 'response_id' });
    }
    return jsonAnswer(outcome.response);
  }

  #require(id: string): ResponseObject {
    const response = this.#store.get(id);
    if (!response) throw responseNotFound(id);
    return response;
  }

  #previous(body: Record<string, unknown>): ResponseObject | undefined {
    const previousId = optionalString(body, 'previous_response_id');
    if (previousId === undefined) return undefined;
    const previous = this.#store.get(previousId);
    if (!previous) {
      throw new SimulatorError(404, `Previous response with id '${previousId}' not found.`, {
        code: 'previous_response_not_found',
        param: 'previous_response_id',
      });
    }
    return previous;
  }

  #complete(body: Record<string, unknown>, previous: ResponseObject | undefined): ResponseOutput {
    const input = body['input'];
    if (typeof input !== 'string' && !Array.isArray(input)) {
      throw new SimulatorError(400, 'input: expected a string or an array of input items', {
        code: 'validation_error',
        param: 'input',
      });
    }
    const maxTokens = optionalCount(body, 'max_output_tokens');
    if (maxTokens === 'invalid') {
      throw new SimulatorError(400, 'max_output_tokens: expected a non-negative integer', { code: 'validation_error' });
    }
    const output = planOutput(body, input, promptCharsOf(body), maxTokens);
    // A chained request is billed for the whole conversation, as the real service does.
    output.completion.inputTokens += previousTokens(previous);
    return output;
  }

  /** queued → in_progress → completed, unless cancelled or deleted in between. */
  #runInBackground(frame: ResponseFrame, completion: ResponseOutput): void {
    this.#store.schedule(frame.id, BACKGROUND_START_MS, () => {
      this.#store.update(frame.id, { status: 'in_progress' });
      const runMs = BACKGROUND_RUN_MS + this.#pacingMs * completion.completion.deltas.length;
      this.#store.schedule(frame.id, runMs, () => this.#store.save(responseObject(frame, completion, 'done')));
    });
  }
}

function buildFrame(
  body: Record<string, unknown>,
  modelId: string,
  previous: ResponseObject | undefined,
): ResponseFrame {
  const store = body['store'] !== false;
  const background = body['background'] === true;
  if (background && !store) {
    throw new SimulatorError(400, 'Background mode requires `store` to be true.', { param: 'background' });
  }
  const maxOutputTokens = optionalCount(body, 'max_output_tokens');
  return {
    id: newResponseId(),
    itemId: newOutputItemId(),
    createdAt: nowSeconds(),
    model: modelId,
    background,
    store,
    previousResponseId: previous?.id ?? null,
    instructions: optionalString(body, 'instructions') ?? null,
    maxOutputTokens: typeof maxOutputTokens === 'number' ? maxOutputTokens : null,
    temperature: typeof body['temperature'] === 'number' ? body['temperature'] : 1,
    topP: typeof body['top_p'] === 'number' ? body['top_p'] : 1,
    metadata: isRecord(body['metadata']) ? body['metadata'] : {},
    tools: Array.isArray(body['tools']) ? body['tools'] : [],
    toolChoice: body['tool_choice'] ?? 'auto',
    parallelToolCalls: body['parallel_tool_calls'] !== false,
    textFormat: isRecord(body['text']) && isRecord(body['text']['format']) ? body['text']['format'] : { type: 'text' },
    reasoningEffort: isRecord(body['reasoning']) && typeof body['reasoning']['effort'] === 'string' ? body['reasoning']['effort'] : null,
  };
}

function previousTokens(previous: ResponseObject | undefined): number {
  const usage = previous?.['usage'];
  if (!isRecord(usage)) return 0;
  const input = typeof usage['input_tokens'] === 'number' ? usage['input_tokens'] : 0;
  const output = typeof usage['output_tokens'] === 'number' ? usage['output_tokens'] : 0;
  return input + output;
}

function responseNotFound(id: string): SimulatorError {
  return new SimulatorError(404, `Response with id '${id}' not found.`, { param: 'response_id' });
}
