/**
 * `POST /anthropic/v1/messages` and `/count_tokens`: the Anthropic Messages API as Mantle serves it for Claude.
 * Differences from Anthropic's own API that a gateway must preserve: ids are `msg_bdrk_...`, and `model` in the
 * answer drops the `anthropic.` prefix of the id that was sent.
 */
import { jsonAnswer, sseAnswer } from '../answers.js';
import type { Answer } from '../answers.js';
import { requireServable } from '../catalog.js';
import type { ModelCatalog } from '../catalog.js';
import { complete, estimateTokens, lastUserText, textChars } from '../echo.js';
import type { Completion } from '../echo.js';
import { SimulatorError } from '../errors.js';
import { newMessageId } from '../ids.js';
import { isRecord, optionalCount, requireModelField } from '../request-fields.js';
import type { SseEvent } from '../sse.js';
import type { SimulatedModel } from '../types.js';

export function createMessage(
  body: Record<string, unknown>,
  headers: Record<string, string>,
  catalog: ModelCatalog,
): Answer {
  const modelId = requireMessagesRequest(body, headers, catalog);
  const maxTokens = optionalCount(body, 'max_tokens');
  if (maxTokens === undefined || maxTokens === 'invalid' || maxTokens < 1) {
    throw new SimulatorError(400, 'max_tokens: Field required and must be a positive integer');
  }
  const completion = complete(lastUserText(body['messages']), promptChars(body), maxTokens);
  const message = {
    id: newMessageId(),
    type: 'message',
    role: 'assistant',
    model: modelId.replace(/^anthropic\./, ''),
  };
  if (body['stream'] === true) return sseAnswer(messageEvents(message, completion));
  return jsonAnswer({
    ...message,
    content: [{ type: 'text', text: completion.text }],
    stop_reason: stopReason(completion),
    stop_sequence: null,
    usage: usage(completion.inputTokens, completion.outputTokens),
  });
}

export function countTokens(
  body: Record<string, unknown>,
  headers: Record<string, string>,
  catalog: ModelCatalog,
): Answer {
  const modelId = requireMessagesRequest(body, headers, catalog);
  return jsonAnswer({ input_tokens: estimateTokens(promptChars(body)) });
}

/** The checks Messages and count_tokens share; returns the model id. */
function requireMessagesRequest(body: Record<string, unknown>, headers: Record<string, string>, catalog: ModelCatalog): string {
  requireAnthropicVersion(headers);
  const modelId = requireModelField(body);
  requireMessages(body);
  const model = requireServable(catalog, modelId, { surface: 'messages' }, 'anthropic');
  requireSupportedThinking(body, model);
  return modelId;
}

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * Adaptive-only models (Opus 4.7 and newer) reject classic thinking with Mantle's own wording; every model checks
 * `output_config.effort`.
 */
function requireSupportedThinking(body: Record<string, unknown>, model: SimulatedModel): void {
  const thinking = body['thinking'];
  const type = isRecord(thinking) ? thinking['type'] : undefined;
  if (model.thinking === 'adaptive_only' && (type === 'enabled' || type === 'disabled')) {
    throw new SimulatorError(
      400,
      `"thinking.type.${type}" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort"`,
    );
  }
  const outputConfig = body['output_config'];
  if (outputConfig === undefined) return;
  if (!isRecord(outputConfig)) throw new SimulatorError(400, 'output_config: Input should be an object');
  const effort = outputConfig['effort'];
  if (effort !== undefined && !EFFORTS.includes(String(effort))) {
    throw new SimulatorError(400, `output_config.effort: Input should be ${EFFORTS.map((name) => `'${name}'`).join(', ')}`);
  }
}

/** Mantle takes the API version as a header (Bedrock runtime takes it in the body) and requires it. */
function requireAnthropicVersion(headers: Record<string, string>): void {
  const version = headers['anthropic-version'];
  if (version === undefined || version.trim() === '') {
    throw new SimulatorError(400, 'anthropic-version: header is required');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version.trim())) {
    throw new SimulatorError(400, `anthropic-version: invalid version '${version}'`);
  }
}

function requireMessages(body: Record<string, unknown>): void {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new SimulatorError(400, 'messages: at least one message is required');
  }
}

/** The system prompt and tool definitions count towards input tokens, as they do on the real service. */
function promptChars(body: Record<string, unknown>): number {
  return textChars(body['messages']) + textChars(body['system']) + textChars(body['tools']);
}

function stopReason(completion: Completion): string {
  return completion.truncated ? 'max_tokens' : 'end_turn';
}

function usage(inputTokens: number, outputTokens: number): object {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  };
}

/** message_start, content_block_start, ping, one text_delta per word, content_block_stop, message_delta, message_stop. */
function messageEvents(message: Record<string, string>, completion: Completion): SseEvent[] {
  const event = (type: string, data: object = {}): SseEvent => ({ event: type, data: { type, ...data } });
  return [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(completion.inputTokens, 1),
      },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping'),
    ...completion.deltas.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: stopReason(completion), stop_sequence: null },
      usage: { output_tokens: completion.outputTokens },
    }),
    event('message_stop'),
  ];
}
