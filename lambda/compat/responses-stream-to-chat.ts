/**
 * The Chat Completions bridge, streamed: Responses SSE events in, `chat.completion.chunk` SSE out, chunk by chunk
 * as events arrive. Only a partial SSE line is ever held back; nothing of the answer is buffered. An independent
 * stream step: the pipeline places it wherever the upstream body flows to the caller.
 *
 * Out: the role delta first (on `response.created`), a content delta per `response.output_text.delta`, a
 * `tool_calls` delta per function call start and per `response.function_call_arguments.delta` (indexes stable in
 * order of appearance), the finish chunk at the end, the usage chunk with `choices: []` when asked, then
 * `data: [DONE]`. A failure (`response.failed`, an `error` event, or a stream that ends without a final event)
 * becomes Chat's in-band error, `data: {"error": {...}}`, then `data: [DONE]`.
 */
import type { ChunkSource } from '../domain/answer.js';
import { chatUsage, finishReason, isRecord } from './responses-to-chat.js';

type Obj = Record<string, unknown>;

export interface ChatStreamOptions {
  /** `stream_options.include_usage`: every chunk carries `usage: null`, and a usage-only chunk comes last. */
  readonly includeUsage: boolean;
  /**
   * Called once with the usage (in Chat's names) of the final event, whether or not the caller asked for the
   * usage chunk: the gateway's request record needs it either way.
   */
  readonly onUsage?: (usage: Record<string, unknown>) => void;
}

/**
 * The translated stream over a Responses event stream: each read translates the next upstream chunk, reading on
 * while a chunk completes no event (a partial line), and the end adds the closing chunks.
 *
 * @example
 * const chat = chatStreamFromResponses(upstream.body, { includeUsage: true });
 */
export function chatStreamFromResponses(source: ChunkSource, options: ChatStreamOptions): ChunkSource {
  const decoder = new TextDecoder();
  const translator = new ChatChunkTranslator(options);
  const parser = new SseParser();
  let ended = false;
  return {
    async read() {
      while (!ended) {
        const bytes = await source.read();
        let out: string;
        if (bytes === undefined) {
          ended = true;
          out = parser.push(`${decoder.decode()}\n\n`).map((data) => translator.onEvent(data)).join('') + translator.onEnd();
        } else {
          out = parser.push(decoder.decode(bytes, { stream: true })).map((data) => translator.onEvent(data)).join('');
        }
        if (out !== '') return Buffer.from(out);
      }
      return undefined;
    },
    cancel() {
      ended = true;
      source.cancel();
    },
  };
}

/** Splits SSE text into the `data` of each event; keeps only the unfinished line between calls. */
class SseParser {
  #partial = '';
  #data: string[] = [];

  push(text: string): string[] {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    const events: string[] = [];
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') {
        if (this.#data.length > 0) events.push(this.#data.join('\n'));
        this.#data = [];
      } else if (line.startsWith('data:')) {
        this.#data.push(line.slice(line.charCodeAt(5) === 0x20 ? 6 : 5));
      }
      // `event:` names repeat the payload's `type`; comments and `id:` lines carry nothing to translate.
    }
    return events;
  }
}

/** The state of one translated stream: ids, tool call indexes, and whether the answer has ended. */
class ChatChunkTranslator {
  readonly #includeUsage: boolean;
  readonly #onUsage: ((usage: Record<string, unknown>) => void) | undefined;
  #frame: Obj = { id: 'chatcmpl-bridge', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: '' };
  #roleSent = false;
  #finished = false;
  /** Output item id (and output index) of each function call, to its Chat `tool_calls` index. */
  readonly #toolIndex = new Map<string, number>();
  readonly #argumentsSent = new Set<number>();
  #lastItemIsCall = false;

  constructor(options: ChatStreamOptions) {
    this.#includeUsage = options.includeUsage;
    this.#onUsage = options.onUsage;
  }

  onEvent(data: string): string {
    if (this.#finished) return '';
    let event: Obj;
    try {
      const parsed: unknown = JSON.parse(data);
      if (!isRecord(parsed)) return '';
      event = parsed;
    } catch {
      return ''; // not an event we know (a keep-alive, say); the final event decides how the stream ends
    }
    switch (event['type']) {
      case 'response.created':
      case 'response.in_progress':
        return this.#start(event['response']);
      case 'response.output_text.delta':
        return this.#delta({ content: String(event['delta'] ?? '') });
      case 'response.refusal.delta':
        return this.#delta({ refusal: String(event['delta'] ?? '') });
      case 'response.output_item.added':
        return this.#itemAdded(event);
      case 'response.function_call_arguments.delta':
        return this.#argumentsDelta(event, String(event['delta'] ?? ''));
      case 'response.output_item.done':
        return this.#itemDone(event);
      case 'response.completed':
      case 'response.incomplete':
        return this.#finish(isRecord(event['response']) ? event['response'] : {});
      case 'response.failed':
        return this.#fail(isRecord(event['response']) && isRecord(event['response']['error']) ? event['response']['error'] : {});
      case 'error':
        return this.#fail(event);
      default:
        return '';
    }
  }

  /** The upstream ended: if no final event came, the caller must not mistake the answer for complete. */
  onEnd(): string {
    if (this.#finished) return '';
    return this.#fail({ message: 'The upstream stream ended before the response completed.', code: 'stream_incomplete' });
  }

  #start(response: unknown): string {
    if (isRecord(response)) {
      this.#frame = { id: response['id'], object: 'chat.completion.chunk', created: response['created_at'], model: response['model'] };
    }
    return this.#role();
  }

  #role(): string {
    if (this.#roleSent) return '';
    this.#roleSent = true;
    return this.#chunk({ role: 'assistant', content: '' });
  }

  #delta(delta: Obj): string {
    return this.#role() + this.#chunk(delta);
  }

  #itemAdded(event: Obj): string {
    const item = event['item'];
    if (!isRecord(item)) return '';
    if (item['type'] !== 'reasoning') this.#lastItemIsCall = item['type'] === 'function_call';
    if (item['type'] !== 'function_call') return '';
    const index = this.#toolIndex.size;
    this.#toolIndex.set(itemKey(item['id'], event['output_index']), index);
    const call = { index, id: item['call_id'], type: 'function', function: { name: item['name'], arguments: '' } };
    return this.#delta({ tool_calls: [call] });
  }

  #argumentsDelta(event: Obj, delta: string): string {
    const index = this.#toolIndex.get(itemKey(event['item_id'], event['output_index']));
    if (index === undefined || delta === '') return '';
    this.#argumentsSent.add(index);
    return this.#delta({ tool_calls: [{ index, function: { arguments: delta } }] });
  }

  /** A call whose arguments came only whole, in `output_item.done`, still reaches the caller. */
  #itemDone(event: Obj): string {
    const item = event['item'];
    if (!isRecord(item)) return '';
    if (item['type'] !== 'reasoning') this.#lastItemIsCall = item['type'] === 'function_call';
    if (item['type'] !== 'function_call') return '';
    const index = this.#toolIndex.get(itemKey(item['id'], event['output_index']));
    const args = typeof item['arguments'] === 'string' ? item['arguments'] : '';
    if (index === undefined || this.#argumentsSent.has(index) || args === '') return '';
    this.#argumentsSent.add(index);
    return this.#delta({ tool_calls: [{ index, function: { arguments: args } }] });
  }

  #finish(response: Obj): string {
    if (response['id'] !== undefined && this.#frame['model'] === '') this.#start(response);
    let out = this.#role() + this.#chunk({}, finishReason(response, this.#lastItemIsCall));
    const usage = chatUsage(response['usage']);
    if (usage) this.#onUsage?.(usage);
    if (this.#includeUsage && usage) out += sse({ ...this.#frame, system_fingerprint: null, choices: [], usage });
    this.#finished = true;
    return `${out}data: [DONE]\n\n`;
  }

  #fail(error: Obj): string {
    this.#finished = true;
    const message = typeof error['message'] === 'string' ? error['message'] : 'The model failed to complete the response.';
    const code = typeof error['code'] === 'string' ? error['code'] : 'server_error';
    return `${sse({ error: { message, type: 'server_error', param: null, code } })}data: [DONE]\n\n`;
  }

  #chunk(delta: Obj, finish: string | null = null): string {
    const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
    return sse({ ...this.#frame, system_fingerprint: null, choices: [choice], ...(this.#includeUsage ? { usage: null } : {}) });
  }
}

/** Items are matched by id; the output index stands in when an event carries no id. */
function itemKey(id: unknown, outputIndex: unknown): string {
  return typeof id === 'string' && id !== '' ? id : `#${String(outputIndex)}`;
}

function sse(data: Obj): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
