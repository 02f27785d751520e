/**
 * `POST {base}/chat/completions`: OpenAI Chat Completions as Mantle serves it for gpt-oss, Qwen, Mistral and
 * friends under `/v1`.
 */
import { jsonAnswer, sseAnswer } from '../answers.js';
import type { Answer } from '../answers.js';
import { requireServable } from '../catalog.js';
import type { ModelCatalog } from '../catalog.js';
import { complete, lastUserText, textChars } from '../echo.js';
import type { Completion } from '../echo.js';
import { SimulatorError } from '../errors.js';
import { newChatCompletionId, nowSeconds } from '../ids.js';
import { isRecord, optionalCount, requireModelField } from '../request-fields.js';
import type { SseEvent } from '../sse.js';
import type { OpenAIBasePath } from '../types.js';

export function createChatCompletion(
  body: Record<string, unknown>,
  basePath: OpenAIBasePath,
  catalog: ModelCatalog,
): Answer {
  const modelId = requireModelField(body);
  if (!Array.isArray(body['messages']) || body['messages'].length === 0) {
    throw new SimulatorError(400, 'messages: expected a non-empty array of messages', {
      code: 'validation_error',
      param: 'messages',
    });
  }
  requireServable(catalog, modelId, { surface: 'chat', basePath }, 'openai');
  const maxTokens = optionalCount(body, 'max_completion_tokens') ?? optionalCount(body, 'max_tokens');
  if (maxTokens === 'invalid') {
    throw new SimulatorError(400, 'max_tokens: expected a non-negative integer', { code: 'validation_error' });
  }
  const completion = complete(lastUserText(body['messages']), textChars(body['messages']), maxTokens);
  const base = { id: newChatCompletionId(), created: nowSeconds(), model: modelId };
  if (body['stream'] === true) return sseAnswer(chatChunks(base, completion, includeUsage(body)));
  return jsonAnswer({
    ...base,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: completion.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason(completion),
      },
    ],
    usage: usage(completion),
    system_fingerprint: null,
  });
}

interface ChunkBase {
  id: string;
  created: number;
  model: string;
}

/** Role chunk, one chunk per word, the finish chunk, the optional usage chunk, then `[DONE]`. */
function chatChunks(base: ChunkBase, completion: Completion, withUsage: boolean): SseEvent[] {
  // With include_usage every chunk carries `usage: null` except the final usage-only one, as OpenAI sends.
  const chunk = (choices: object[], extra: object = withUsage ? { usage: null } : {}): SseEvent => ({
    data: { ...base, object: 'chat.completion.chunk', system_fingerprint: null, choices, ...extra },
  });
  const choice = (delta: object, finish: string | null = null): object => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const events: SseEvent[] = [chunk([choice({ role: 'assistant', content: '', refusal: null })])];
  for (const delta of completion.deltas) events.push(chunk([choice({ content: delta })]));
  events.push(chunk([choice({}, finishReason(completion))]));
  if (withUsage) events.push(chunk([], { usage: usage(completion) }));
  events.push({ data: '[DONE]' });
  return events;
}

function includeUsage(body: Record<string, unknown>): boolean {
  const options = body['stream_options'];
  return isRecord(options) && options['include_usage'] === true;
}

function finishReason(completion: Completion): string {
  return completion.truncated ? 'length' : 'stop';
}

function usage(completion: Completion): object {
  return {
    prompt_tokens: completion.inputTokens,
    completion_tokens: completion.outputTokens,
    total_tokens: completion.inputTokens + completion.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
