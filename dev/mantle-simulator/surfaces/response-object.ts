/**
 * The Responses API `response` object and its streamed event sequence, in the shapes the official `openai`
 * client accumulates (`responses.stream()` rebuilds the object from exactly these events).
 */
import type { Completion } from '../echo.js';
import type { ResponseObject } from '../response-store.js';
import type { SseEvent } from '../sse.js';
import type { FunctionCallPlan, ResponseOutput } from './response-output.js';

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
  /** Echoed as sent, as the real service does. */
  tools: unknown[];
  toolChoice: unknown;
  parallelToolCalls: boolean;
  textFormat: unknown;
  reasoningEffort: string | null;
}

export type ResponseStage = 'queued' | 'in_progress' | 'done';

/**
 * The `response` object at a stage; `done` means completed, or incomplete when `max_output_tokens` or the
 * content filter cut it.
 */
export function responseObject(frame: ResponseFrame, output: ResponseOutput, stage: ResponseStage): ResponseObject {
  const done = stage === 'done';
  const reason = output.incompleteReason;
  const status = done ? (reason ? 'incomplete' : 'completed') : stage;
  return {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status,
    background: frame.background,
    error: null,
    incomplete_details: done && reason ? { reason } : null,
    instructions: frame.instructions,
    max_output_tokens: frame.maxOutputTokens,
    model: frame.model,
    output: done ? outputItems(frame, output, reason ? 'incomplete' : 'completed') : [],
    parallel_tool_calls: frame.parallelToolCalls,
    previous_response_id: frame.previousResponseId,
    reasoning: { effort: frame.reasoningEffort, summary: null },
    service_tier: 'default',
    store: frame.store,
    temperature: frame.temperature,
    text: { format: frame.textFormat, verbosity: 'medium' },
    tool_choice: frame.toolChoice,
    tools: frame.tools,
    top_p: frame.topP,
    truncation: 'disabled',
    usage: done ? responseUsage(output) : null,
    user: null,
    metadata: frame.metadata,
  };
}

function outputItems(frame: ResponseFrame, output: ResponseOutput, status: string): object[] {
  const items: object[] = output.reasoning ? [reasoningItem(output.reasoning.itemId)] : [];
  if (output.calls.length > 0) return [...items, ...output.calls.map((call) => functionCallItem(call, call.arguments, 'completed'))];
  return [...items, outputMessage(frame, output.completion.text, status)];
}

function reasoningItem(id: string): object {
  return { id, type: 'reasoning', summary: [] };
}

function functionCallItem(call: FunctionCallPlan, args: string, status: string): object {
  return { id: call.itemId, type: 'function_call', status, arguments: args, call_id: call.callId, name: call.name };
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

function responseUsage(output: ResponseOutput): object {
  const { completion } = output;
  const reasoningTokens = output.reasoning?.tokens ?? 0;
  const outputTokens = completion.outputTokens + reasoningTokens;
  return {
    input_tokens: completion.inputTokens,
    input_tokens_details: { cached_tokens: output.cachedTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: completion.inputTokens + outputTokens,
  };
}

type EventBody = Record<string, unknown> & { type: string };

/**
 * created, in_progress, then per output item its added, content (text deltas, or function call argument deltas)
 * and done events, then completed (or incomplete), numbered from 0.
 */
export function responseEvents(frame: ResponseFrame, output: ResponseOutput): SseEvent[] {
  const started = responseObject(frame, output, 'in_progress');
  const final = responseObject(frame, output, 'done');
  const finalStatus = String(final.status);
  const bodies: EventBody[] = [
    { type: 'response.created', response: started },
    { type: 'response.in_progress', response: started },
  ];
  let outputIndex = 0;
  if (output.reasoning) {
    const item = reasoningItem(output.reasoning.itemId);
    bodies.push({ type: 'response.output_item.added', output_index: outputIndex, item }, { type: 'response.output_item.done', output_index: outputIndex, item });
    outputIndex += 1;
  }
  if (output.calls.length > 0) {
    for (const call of output.calls) bodies.push(...functionCallEvents(call, outputIndex++));
  } else {
    bodies.push(...messageEvents(frame, output.completion, outputIndex, finalStatus));
  }
  bodies.push({ type: finalStatus === 'completed' ? 'response.completed' : 'response.incomplete', response: final });
  return bodies.map((body, sequence) => ({ event: body.type, data: { ...body, sequence_number: sequence } }));
}

function messageEvents(frame: ResponseFrame, completion: Completion, outputIndex: number, finalStatus: string): EventBody[] {
  const at = { item_id: frame.itemId, output_index: outputIndex, content_index: 0 };
  return [
    { type: 'response.output_item.added', output_index: outputIndex, item: outputMessage(frame, '', 'in_progress') },
    { type: 'response.content_part.added', ...at, part: outputText('') },
    ...completion.deltas.map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...at, text: completion.text, logprobs: [] },
    { type: 'response.content_part.done', ...at, part: outputText(completion.text) },
    { type: 'response.output_item.done', output_index: outputIndex, item: outputMessage(frame, completion.text, finalStatus) },
  ];
}

function functionCallEvents(call: FunctionCallPlan, outputIndex: number): EventBody[] {
  const at = { item_id: call.itemId, output_index: outputIndex };
  return [
    { type: 'response.output_item.added', output_index: outputIndex, item: functionCallItem(call, '', 'in_progress') },
    ...call.pieces.map((delta) => ({ type: 'response.function_call_arguments.delta', ...at, delta })),
    { type: 'response.function_call_arguments.done', ...at, arguments: call.arguments },
    { type: 'response.output_item.done', output_index: outputIndex, item: functionCallItem(call, call.arguments, 'completed') },
  ];
}
