/**
 * Reads token usage (and upstream-reported errors) from an answer as its bytes pass to the caller. It sees each
 * chunk after it was handed on, and keeps only what it needs: for a stream the unfinished last line, for a
 * JSON body the text from its last `"usage"` key on (or a small whole body: errors, count_tokens). Nothing is
 * delayed or buffered on the way to the caller.
 */
import type { ErrorType, UsageRecord } from '../domain/request-facts.js';
import { errorOf, isJsonObject, mergeUsage, usageObjectOf, type AnswerError } from './usage-fields.js';

/** A line longer than this (a huge `response.completed`) is skipped rather than held. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** Error bodies and count_tokens answers are small; anything bigger is not one of them. */
const MAX_WHOLE_BODY_CHARS = 64 * 1024;
/** Lines worth parsing: usage with counts, or an in-band error. Everything else (text deltas) is skipped unparsed. */
const INTERESTING_LINE = /"usage"\s*:\s*\{|"type"\s*:\s*"(?:error|response\.failed)"|"error"\s*:\s*\{|^data:\s*\{\s*"message"/;
const USAGE_KEY = '"usage"';

export type WatchMode =
  /** SSE: parse usage and error events line by line. */
  | 'sse'
  /** A JSON answer: usage from its `usage` object. */
  | 'json_usage'
  /** A small JSON answer read whole: error bodies, count_tokens (`input_tokens` is the count). */
  | 'json_whole'
  /** Nothing to read (stored-response lookups, model lists, gateway-made answers). */
  | 'none';

export interface AnswerFindings {
  readonly usage?: UsageRecord;
  readonly error?: AnswerError;
}

export class AnswerWatcher {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private skippingLine = false;
  private usage: UsageRecord | undefined;
  private error: AnswerError | undefined;

  /** @param errorType what an error the answer reports counts as (`upstream_error` for Mantle's answers) */
  constructor(
    readonly mode: WatchMode,
    private readonly errorType: ErrorType = 'upstream_error',
  ) {}

  /** Looks at one chunk that has already been passed on. */
  watch(chunk: Uint8Array): void {
    if (this.mode === 'none') return;
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.mode === 'sse') this.watchLines(text);
    else if (this.mode === 'json_usage') this.watchUsageTail(text);
    else if (this.pending.length + text.length <= MAX_WHOLE_BODY_CHARS) this.pending += text;
    else this.pending = '';
  }

  /** What the answer reported, once it ended. */
  finish(): AnswerFindings {
    if (this.mode === 'sse' && this.pending !== '' && !this.skippingLine) this.line(this.pending);
    else if (this.mode === 'json_usage') this.readUsageTail();
    else if (this.mode === 'json_whole') this.readWhole();
    this.pending = '';
    return { ...(this.usage ? { usage: this.usage } : {}), ...(this.error ? { error: this.error } : {}) };
  }

  private watchLines(text: string): void {
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const piece = text.slice(start, newline);
      if (this.skippingLine) this.skippingLine = false;
      else this.line(this.pending === '' ? piece : this.pending + piece);
      this.pending = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (this.skippingLine) return;
    this.pending += start === 0 ? text : text.slice(start);
    if (this.pending.length > MAX_LINE_CHARS) {
      this.pending = '';
      this.skippingLine = true;
    }
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('data:') || !INTERESTING_LINE.test(line)) return;
    const event = parseObject(line.slice(5));
    if (!event) return;
    const usage = usageObjectOf(event);
    if (usage) mergeUsage((this.usage ??= {}), usage);
    this.error ??= errorOf(event, this.errorType);
  }

  private watchUsageTail(text: string): void {
    const searchFrom = Math.max(0, this.pending.length - USAGE_KEY.length);
    this.pending += text;
    const found = this.pending.lastIndexOf(USAGE_KEY);
    if (found >= searchFrom) this.pending = this.pending.slice(found);
    else if (found === -1 && this.pending.length > 64) this.pending = this.pending.slice(-USAGE_KEY.length);
  }

  private readUsageTail(): void {
    const usage = parseObject(objectAfterKey(this.pending));
    if (usage) mergeUsage((this.usage = {}), usage);
  }

  private readWhole(): void {
    const body = parseObject(this.pending);
    if (!body) return;
    const usage = usageObjectOf(body);
    if (usage) mergeUsage((this.usage = {}), usage);
    else if (typeof body['input_tokens'] === 'number') mergeUsage((this.usage = {}), body);
    this.error = errorOf(body, this.errorType);
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `"usage": {...}, ...` -> the `{...}` text, braces matched outside strings. */
export function objectAfterKey(text: string): string {
  const open = text.indexOf('{', USAGE_KEY.length);
  if (open === -1 || text.slice(USAGE_KEY.length, open).trim() !== ':') return '';
  let depth = 0;
  let inString = false;
  for (let index = open; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92 /* \ */) index += 1;
      else if (char === 34 /* " */) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 /* { */) depth += 1;
    else if (char === 125 /* } */ && --depth === 0) return text.slice(open, index + 1);
  }
  return '';
}

