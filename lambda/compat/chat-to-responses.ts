/**
 * The Chat Completions bridge, request side: a `/v1/chat/completions` body as a Responses API `create` body, for
 * models Mantle serves only on Responses (GPT-5.5). A pure function of the parsed body; every parameter it does
 * not translate is refused with a 400 that names it.
 */
import { untranslatable, type Json } from './bridge-errors.js';
import { messagesToInput } from './chat-messages-to-input.js';

type Body = Readonly<Record<string, Json>>;
type Item = Record<string, unknown>;

export interface BridgedRequest {
  /** The Responses request body (the caller's `model` still in it: the gateway swaps it as for any call). */
  readonly body: Item;
  readonly stream: boolean;
  /** `stream_options.include_usage`: the caller wants the final usage-only chunk. */
  readonly includeUsage: boolean;
}

/** Parameters carried over under the same name. */
const SAME_NAME = ['temperature', 'top_p', 'parallel_tool_calls', 'metadata', 'user', 'safety_identifier', 'prompt_cache_key', 'service_tier'] as const;

/** Parameters accepted only at their no-op value (what Chat assumes when they are absent). */
const NO_OP: Record<string, (value: Json) => boolean> = {
  n: (value) => value === 1,
  logprobs: (value) => value === false,
  presence_penalty: (value) => value === 0,
  frequency_penalty: (value) => value === 0,
  modalities: (value) => Array.isArray(value) && value.length === 1 && value[0] === 'text',
};

/** Handled below; everything else present and not null is refused. */
const TRANSLATED = new Set<string>([
  'model', 'messages', 'tools', 'tool_choice', 'response_format', 'max_tokens', 'max_completion_tokens',
  'reasoning_effort', 'verbosity', 'store', 'stream', 'stream_options', ...SAME_NAME,
]);

/**
 * @throws InvalidRequestError (400, `code: unsupported_parameter`, `param`) for anything not translated
 * @example
 * chatToResponses({ model: 'gpt-55', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 })
 * // { body: { model: 'gpt-55', input: [{ role: 'user', content: 'Hi' }], max_output_tokens: 50, store: false }, ... }
 */
export function chatToResponses(chat: Body): BridgedRequest {
  refuseUntranslated(chat);
  const body: Item = { model: chat['model'], input: messagesToInput(chat['messages']) };
  for (const name of SAME_NAME) if (present(chat[name])) body[name] = chat[name];
  const maxTokens = present(chat['max_completion_tokens']) ? chat['max_completion_tokens'] : chat['max_tokens'];
  if (present(maxTokens)) body['max_output_tokens'] = maxTokens;
  if (present(chat['tools'])) body['tools'] = toolsOf(chat['tools']);
  if (present(chat['tool_choice'])) body['tool_choice'] = toolChoiceOf(chat['tool_choice']);
  const text = textOf(chat);
  if (text) body['text'] = text;
  if (present(chat['reasoning_effort'])) body['reasoning'] = { effort: chat['reasoning_effort'] };
  // Chat callers do not expect their calls stored for 30 days; Responses stores by default.
  body['store'] = typeof chat['store'] === 'boolean' ? chat['store'] : false;
  const stream = chat['stream'] === true;
  if (stream) body['stream'] = true;
  return { body, stream, includeUsage: stream && includeUsage(chat['stream_options']) };
}

function refuseUntranslated(chat: Body): void {
  for (const [name, value] of Object.entries(chat)) {
    if (!present(value) || TRANSLATED.has(name)) continue;
    const noOp = NO_OP[name];
    if (noOp?.(value)) continue;
    throw untranslatable(name, noOp ? `= ${JSON.stringify(value).slice(0, 40)} is not supported` : 'is not supported');
  }
}

function toolsOf(tools: Json): Item[] {
  if (!Array.isArray(tools)) throw untranslatable('tools', 'must be a list');
  return tools.map((tool, index) => {
    const fn = isRecord(tool) && tool['type'] === 'function' ? tool['function'] : undefined;
    if (!isRecord(fn) || typeof fn['name'] !== 'string') throw untranslatable(`tools[${index}]`, 'is not a function tool (only function tools are translated)');
    return {
      type: 'function',
      name: fn['name'],
      ...(typeof fn['description'] === 'string' ? { description: fn['description'] } : {}),
      parameters: isRecord(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} },
      // Responses makes function tools strict by default; Chat does not.
      strict: fn['strict'] === true,
    };
  });
}

function toolChoiceOf(choice: Json): Json {
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (isRecord(choice) && choice['type'] === 'function' && isRecord(choice['function']) && typeof choice['function']['name'] === 'string') {
    return { type: 'function', name: choice['function']['name'] };
  }
  if (isRecord(choice) && choice['type'] === 'allowed_tools' && isRecord(choice['allowed_tools'])) {
    const { mode, tools } = choice['allowed_tools'];
    if (Array.isArray(tools)) {
      return { type: 'allowed_tools', mode, tools: tools.map((tool, index) => ({ type: 'function', name: functionName(tool, index) })) };
    }
  }
  throw untranslatable('tool_choice', 'is not translated (none, auto, required, a function, or allowed_tools of functions are)');
}

function functionName(tool: Json, index: number): string {
  const fn = isRecord(tool) && tool['type'] === 'function' ? tool['function'] : undefined;
  if (!isRecord(fn) || typeof fn['name'] !== 'string') throw untranslatable(`tool_choice.allowed_tools.tools[${index}]`, 'is not a function tool');
  return fn['name'];
}

/** `response_format` and `verbosity` become `text.format` and `text.verbosity`. */
function textOf(chat: Body): Item | undefined {
  const text: Item = {};
  const format = chat['response_format'];
  if (present(format)) text['format'] = formatOf(format);
  if (present(chat['verbosity'])) text['verbosity'] = chat['verbosity'];
  return Object.keys(text).length > 0 ? text : undefined;
}

function formatOf(format: Json): Item {
  if (isRecord(format) && (format['type'] === 'text' || format['type'] === 'json_object')) return { type: format['type'] };
  if (isRecord(format) && format['type'] === 'json_schema' && isRecord(format['json_schema'])) {
    const { name, description, schema, strict } = format['json_schema'];
    return {
      type: 'json_schema',
      name,
      ...(description !== undefined ? { description } : {}),
      schema: schema ?? {},
      ...(strict !== undefined && strict !== null ? { strict } : {}),
    };
  }
  throw untranslatable('response_format', 'is not translated (text, json_object and json_schema are)');
}

function includeUsage(options: Json): boolean {
  if (!present(options)) return false;
  if (!isRecord(options)) throw untranslatable('stream_options', 'must be an object');
  for (const key of Object.keys(options)) {
    // Obfuscation pads chunks against side channels; the bridge writes its own chunks, so there is nothing to pad.
    if (key !== 'include_usage' && key !== 'include_obfuscation') throw untranslatable(`stream_options.${key}`, 'is not supported');
  }
  return options['include_usage'] === true;
}

function present(value: Json): boolean {
  return value !== undefined && value !== null;
}

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
