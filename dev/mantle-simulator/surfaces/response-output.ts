/**
 * What the simulated model decides to answer on the Responses API, deterministically, so tests can drive every
 * shape a client must handle:
 * - **function calls**: with function `tools` (and `tool_choice` not `none`) and a user turn last, it calls each
 *   tool whose name appears in the user's text (only the first with `parallel_tool_calls: false`), the tool
 *   `tool_choice` names, or with `tool_choice: "required"` the first tool. String arguments echo the user's text.
 *   After a `function_call_output` it answers `Echo: <output>`.
 * - **incomplete answers**: `max_output_tokens` cuts the text (`max_output_tokens`); a user text containing
 *   `[content_filter]` stops after two words (`content_filter`).
 * - **structured output**: with `text.format` `json_schema` it answers a JSON object with a value for each schema
 *   property (strings echo the user's text), with `json_object` `{"echo": <text>}`.
 * - **usage details**: `reasoning.effort` adds reasoning tokens (and a reasoning output item); `prompt_cache_key`
 *   reports half the input tokens as cached.
 */
import { complete, contentText, estimateTokens, lastUserText, textChars } from '../echo.js';
import type { Completion } from '../echo.js';
import { newOutputItemId } from '../ids.js';
import { isRecord } from '../request-fields.js';

export interface FunctionCallPlan {
  itemId: string;
  callId: string;
  name: string;
  arguments: string;
  /** Pieces of `arguments`, one per streamed delta (and one output token each). */
  pieces: string[];
}

export interface ResponseOutput {
  /** The text answer; unused (empty) when the model calls functions. */
  completion: Completion;
  calls: FunctionCallPlan[];
  reasoning: { itemId: string; tokens: number } | undefined;
  cachedTokens: number;
  incompleteReason: 'max_output_tokens' | 'content_filter' | undefined;
}

const CONTENT_FILTER_MARKER = '[content_filter]';
const REASONING_TOKENS: Record<string, number> = { minimal: 0, low: 4, medium: 8, high: 16, xhigh: 32 };
const ARGUMENT_PIECE_CHARS = 8;

export function planOutput(body: Record<string, unknown>, input: string | unknown[], promptChars: number, maxTokens: number | undefined): ResponseOutput {
  const last = Array.isArray(input) ? input.at(-1) : undefined;
  const toolOutput = isRecord(last) && last['type'] === 'function_call_output' ? contentText(last['output']) : undefined;
  const userText = lastUserText(input);
  const calls = toolOutput === undefined ? plannedCalls(body, userText) : [];
  const filtered = toolOutput === undefined && userText.includes(CONTENT_FILTER_MARKER);
  const limit = calls.length > 0 ? 0 : filtered ? Math.min(2, maxTokens ?? 2) : maxTokens;
  const json = toolOutput === undefined ? structuredAnswer(body, userText) : undefined;
  const completion = json === undefined ? complete(toolOutput ?? userText, promptChars, limit) : jsonCompletion(json, promptChars, limit);
  if (calls.length > 0) {
    completion.truncated = false;
    completion.outputTokens = calls.reduce((sum, call) => sum + call.pieces.length, 0);
  }
  const effort = isRecord(body['reasoning']) ? body['reasoning']['effort'] : undefined;
  const reasoningTokens = typeof effort === 'string' ? (REASONING_TOKENS[effort] ?? 0) : 0;
  const incompleteReason = filtered ? 'content_filter' : completion.truncated ? 'max_output_tokens' : undefined;
  return {
    completion,
    calls,
    reasoning: reasoningTokens > 0 ? { itemId: `rs_${newOutputItemId().slice(4)}`, tokens: reasoningTokens } : undefined,
    cachedTokens: typeof body['prompt_cache_key'] === 'string' ? Math.floor(completion.inputTokens / 2) : 0,
    incompleteReason,
  };
}

export function promptCharsOf(body: Record<string, unknown>): number {
  return textChars(body['input']) + textChars(body['instructions']) + textChars(body['tools']);
}

/** The JSON a structured-output request gets, or undefined for plain text. */
function structuredAnswer(body: Record<string, unknown>, userText: string): string | undefined {
  const format = isRecord(body['text']) ? body['text']['format'] : undefined;
  if (!isRecord(format)) return undefined;
  if (format['type'] === 'json_schema') return JSON.stringify(argumentsFor(format['schema'], userText));
  if (format['type'] === 'json_object') return JSON.stringify({ echo: userText });
  return undefined;
}

function jsonCompletion(json: string, promptChars: number, limit: number | undefined): Completion {
  const all = pieces(json);
  const deltas = limit === undefined ? all : all.slice(0, limit);
  return { text: deltas.join(''), deltas, inputTokens: estimateTokens(promptChars), outputTokens: deltas.length, truncated: deltas.length < all.length };
}

function pieces(text: string): string[] {
  return text.match(new RegExp(`[\\s\\S]{1,${ARGUMENT_PIECE_CHARS}}`, 'g')) ?? [];
}

function plannedCalls(body: Record<string, unknown>, userText: string): FunctionCallPlan[] {
  const tools = Array.isArray(body['tools']) ? body['tools'].filter((tool): tool is Record<string, unknown> => isRecord(tool) && tool['type'] === 'function' && typeof tool['name'] === 'string') : [];
  const choice = body['tool_choice'];
  if (tools.length === 0 || choice === 'none') return [];
  let chosen: Array<Record<string, unknown>>;
  if (isRecord(choice) && choice['type'] === 'function') chosen = tools.filter((tool) => tool['name'] === choice['name']);
  else {
    chosen = tools.filter((tool) => userText.includes(String(tool['name'])));
    if (chosen.length === 0 && choice === 'required') chosen = tools.slice(0, 1);
  }
  if (body['parallel_tool_calls'] === false) chosen = chosen.slice(0, 1);
  return chosen.map((tool) => {
    const args = JSON.stringify(argumentsFor(tool['parameters'], userText));
    return { itemId: `fc_${newOutputItemId().slice(4)}`, callId: `call_${newOutputItemId().slice(4, 28)}`, name: String(tool['name']), arguments: args, pieces: pieces(args) };
  });
}

/** A value for each declared property: strings echo the user's text, numbers are 1, booleans true, lists empty. */
function argumentsFor(schema: unknown, userText: string): Record<string, unknown> {
  const properties = isRecord(schema) && isRecord(schema['properties']) ? schema['properties'] : {};
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const type = isRecord(property) ? property['type'] : undefined;
    args[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'array' ? [] : type === 'object' ? argumentsFor(property, userText) : userText;
  }
  return args;
}
