/**
 * The Responses API `response` object and its streamed event sequence, in the shapes the official `openai`
 * client accumulates (`responses.stream()` rebuilds the object from exactly these events).
 */
import type { Completion } from '../echo.js';
import type { ResponseObject } from '../response-store.js';
import type { SseEvent } from '../sse.js';

/** Everything about a response that does not depend on how far generation got. */
export interface ResponseFrame {
  id: string;
  itemId: string;
  createdAt: number;
  model: string;
  background: boolean;
  store: boolean;
  previousResponseId: string | null;
  instructions: string | null;
  maxOutputTokens: number | null;
  temperature: number;
  topP: number;
  metadata: Record<string, unknown>;
}

export type ResponseStage = 'queued' | 'in_progress' | 'done';

/** The `response` object at a stage; `done` means completed, or incomplete if `max_output_tokens` cut it. */
export function responseObject(frame: ResponseFrame, completion: Completion, stage: ResponseStage): ResponseObject {
  const done = stage === 'done';
  const status = done ? (completion.truncated ? 'incomplete' : 'completed') : stage;
  return {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status,
    background: frame.background,
    error: null,
    incomplete_details: done && completion.truncated ? { reason: 'max_output_tokens' } : null,
    instructions: frame.instructions,
    max_output_tokens: frame.maxOutputTokens,
    model: frame.model,
    output: done ? [outputMessage(frame, completion.text, completion.truncated ? 'incomplete' : 'completed')] : [],
    parallel_tool_calls: true,
    previous_response_id: frame.previousResponseId,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: frame.store,
    temperature: frame.temperature,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: frame.topP,
    truncation: 'disabled',
    usage: done ? responseUsage(completion) : null,
    user: null,
    metadata: frame.metadata,
  };
}

function outputMessage(frame: ResponseFrame, text: string, status: string): object {
  return {
    id: frame.itemId,
    type: 'message',
    status,
    role: 'assistant',
    content: text === '' && status === 'in_progress' ? [] : [outputText(text)],
  };
}

function outputText(text: string): object {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function responseUsage(completion: Completion): object {
  return {
    input_tokens: completion.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: completion.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: completion.inputTokens + completion.outputTokens,
  };
}

/**
 * created, in_progress, output_item.added, content_part.added, output_text.delta per word, output_text.done,
 * content_part.done, output_item.done, then completed (or incomplete), numbered from 0.
 */
export function responseEvents(frame: ResponseFrame, completion: Completion): SseEvent[] {
  const started = responseObject(frame, completion, 'in_progress');
  const final = responseObject(frame, completion, 'done');
  const finalStatus = String(final.status);
  const at = { item_id: frame.itemId, output_index: 0, content_index: 0 };
  const bodies: Array<Record<string, unknown> & { type: string }> = [
    { type: 'response.created', response: started },
    { type: 'response.in_progress', response: started },
    { type: 'response.output_item.added', output_index: 0, item: outputMessage(frame, '', 'in_progress') },
    { type: 'response.content_part.added', ...at, part: outputText('') },
    ...completion.deltas.map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...at, text: completion.text, logprobs: [] },
    { type: 'response.content_part.done', ...at, part: outputText(completion.text) },
    { type: 'response.output_item.done', output_index: 0, item: outputMessage(frame, completion.text, finalStatus) },
    { type: finalStatus === 'completed' ? 'response.completed' : 'response.incomplete', response: final },
  ];
  return bodies.map((body, sequence) => ({ event: body.type, data: { ...body, sequence_number: sequence } }));
}
