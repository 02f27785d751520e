/**
 * Chat Completions `messages` as Responses `input` items. System and developer messages become `developer`
 * input items in place (not `instructions`): order and multiplicity survive, and nothing is joined. Every shape
 * the bridge cannot express is refused, naming its path (`messages[2].content[0]`), never dropped.
 */
import { untranslatable, type Json } from './bridge-errors.js';

type Item = Record<string, unknown>;

/** @throws InvalidRequestError (400) for a message or part the Responses API cannot take */
export function messagesToInput(messages: unknown): Item[] {
  if (!Array.isArray(messages)) throw untranslatable('messages', 'must be a list of messages');
  return messages.flatMap((message, index) => messageToItems(message, `messages[${index}]`));
}

const MESSAGE_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content'],
  developer: ['role', 'content'],
  user: ['role', 'content'],
  // `annotations` (citations of that earlier answer) come back when apps replay the message; the model reads only
  // what was said, so they are left out rather than refused.
  assistant: ['role', 'content', 'tool_calls', 'refusal', 'annotations'],
  tool: ['role', 'content', 'tool_call_id'],
};

function messageToItems(message: unknown, path: string): Item[] {
  if (!isRecord(message)) throw untranslatable(path, 'must be a message object');
  const role = message['role'];
  const allowed = typeof role === 'string' ? MESSAGE_KEYS[role] : undefined;
  if (!allowed) throw untranslatable(`${path}.role`, `${JSON.stringify(role)} has no Responses equivalent (use system, developer, user, assistant or tool)`);
  for (const [key, value] of Object.entries(message)) {
    if (value !== null && value !== undefined && !allowed.includes(key)) throw untranslatable(`${path}.${key}`, `is not translated on ${role} messages`);
  }
  switch (role) {
    case 'system':
    case 'developer':
      return [{ role: 'developer', content: textOnly(message['content'], `${path}.content`) }];
    case 'user':
      return [{ role: 'user', content: userContent(message['content'], `${path}.content`) }];
    case 'assistant':
      return assistantItems(message, path);
    default:
      return [toolOutput(message, path)];
  }
}

function userContent(content: unknown, path: string): string | Item[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw untranslatable(path, 'must be a string or a list of content parts');
  return content.map((part, index) => userPart(part, `${path}[${index}]`));
}

function userPart(part: unknown, path: string): Item {
  if (!isRecord(part)) throw untranslatable(path, 'must be a content part');
  switch (part['type']) {
    case 'text':
      return { type: 'input_text', text: requireString(part['text'], `${path}.text`) };
    case 'image_url': {
      const image = part['image_url'];
      if (!isRecord(image)) throw untranslatable(`${path}.image_url`, 'must be an object with a url');
      return { type: 'input_image', image_url: requireString(image['url'], `${path}.image_url.url`), detail: typeof image['detail'] === 'string' ? image['detail'] : 'auto' };
    }
    case 'file': {
      const file = part['file'];
      if (!isRecord(file)) throw untranslatable(`${path}.file`, 'must be an object');
      return { type: 'input_file', ...pick(file, ['file_id', 'file_data', 'filename']) };
    }
    default:
      throw untranslatable(`${path}.type`, `${JSON.stringify(part['type'])} parts are not translated (text, image_url and file are)`);
  }
}

function assistantItems(message: Record<string, Json>, path: string): Item[] {
  const items: Item[] = [];
  const content = message['content'];
  const refusal = typeof message['refusal'] === 'string' ? message['refusal'] : '';
  const text = (content === null || content === undefined ? '' : assistantText(content, `${path}.content`)) + refusal;
  if (text !== '') items.push({ role: 'assistant', content: text });
  const calls = message['tool_calls'];
  if (calls !== null && calls !== undefined) {
    if (!Array.isArray(calls)) throw untranslatable(`${path}.tool_calls`, 'must be a list');
    calls.forEach((call, index) => items.push(functionCall(call, `${path}.tool_calls[${index}]`)));
  }
  return items;
}

/** Text and refusal parts of an earlier assistant turn, as the text the model said. */
function assistantText(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw untranslatable(path, 'must be a string or a list of content parts');
  return content
    .map((part, index) => {
      const where = `${path}[${index}]`;
      if (isRecord(part) && part['type'] === 'text') return requireString(part['text'], `${where}.text`);
      if (isRecord(part) && part['type'] === 'refusal') return requireString(part['refusal'], `${where}.refusal`);
      throw untranslatable(where, 'only text and refusal parts are translated on assistant messages');
    })
    .join('');
}

function functionCall(call: unknown, path: string): Item {
  if (!isRecord(call) || call['type'] !== 'function' || !isRecord(call['function'])) {
    throw untranslatable(path, 'only function tool calls are translated');
  }
  const fn = call['function'];
  return {
    type: 'function_call',
    call_id: requireString(call['id'], `${path}.id`),
    name: requireString(fn['name'], `${path}.function.name`),
    arguments: typeof fn['arguments'] === 'string' ? fn['arguments'] : '',
  };
}

function toolOutput(message: Record<string, Json>, path: string): Item {
  return {
    type: 'function_call_output',
    call_id: requireString(message['tool_call_id'], `${path}.tool_call_id`),
    output: textOnly(message['content'], `${path}.content`),
  };
}

/** A string, or text parts joined (OpenAI joins them too); anything else cannot be said as instructions. */
function textOnly(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw untranslatable(path, 'must be a string or a list of text parts');
  return content
    .map((part, index) => {
      if (isRecord(part) && part['type'] === 'text') return requireString(part['text'], `${path}[${index}].text`);
      throw untranslatable(`${path}[${index}]`, 'only text parts are translated here');
    })
    .join('\n');
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw untranslatable(path, 'must be a string');
  return value;
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Item {
  const picked: Item = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
