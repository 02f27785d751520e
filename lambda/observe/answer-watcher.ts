/**
 * Reads token usage (and upstream-reported errors) from an answer as its bytes pass to the caller. It sees each
 * chunk after it was handed on, and keeps only what it needs: for a stream the bytes of the unfinished last line
 * (lines are split and tested as bytes; only lines that mention usage or an error are decoded and parsed), for a
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
const NEWLINE = 10;
/** Needles as bytes: a string needle would be converted on every search. */
const USAGE_NEEDLE = Buffer.from('"usage"');
const ERROR_NEEDLE = Buffer.from('error');
const MESSAGE_NEEDLE = Buffer.from('"message"');
/** Lines up to this size are searched whole for usage and errors. */
const SHORT_LINE_BYTES = 4 * 1024;
/** In a longer line, errors are looked for in its first bytes and usage in its last ones. */
const LONG_LINE_HEAD_BYTES = 1024;
const LONG_LINE_TAIL_BYTES = 16 * 1024;

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
  private decoder: TextDecoder | undefined;
  private pending = '';
  private lineParts: Buffer[] = [];
  private lineBytes = 0;
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
    if (this.mode === 'sse') return this.watchLines(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const text = (this.decoder ??= new TextDecoder()).decode(chunk, { stream: true });
    if (this.mode === 'json_usage') this.watchUsageTail(text);
    else if (this.pending.length + text.length <= MAX_WHOLE_BODY_CHARS) this.pending += text;
    else this.pending = '';
  }

  /** What the answer reported, once it ended. */
  finish(): AnswerFindings {
    if (this.mode === 'sse' && this.lineBytes > 0 && !this.skippingLine) this.bytesLine(Buffer.concat(this.lineParts));
    else if (this.mode === 'json_usage') this.readUsageTail();
    else if (this.mode === 'json_whole') this.readWhole();
    this.pending = '';
    this.lineParts = [];
    return { ...(this.usage ? { usage: this.usage } : {}), ...(this.error ? { error: this.error } : {}) };
  }

  /**
   * Splits at newlines on the bytes (native search, no decoding), and decodes only lines that mention usage or
   * an error: text deltas pass without ever becoming strings. Bytes of an unfinished line wait for the next chunk.
   */
  private watchLines(bytes: Buffer): void {
    let start = 0;
    let newline = bytes.indexOf(NEWLINE);
    while (newline !== -1) {
      const piece = bytes.subarray(start, newline);
      if (this.skippingLine) this.skippingLine = false;
      else this.bytesLine(this.lineBytes === 0 ? piece : Buffer.concat([...this.lineParts, piece]));
      this.lineParts = [];
      this.lineBytes = 0;
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    if (this.skippingLine || start === bytes.length) return;
    // The chunk may be reused by its producer once handed on: keep a copy of the unfinished line only.
    const rest = Buffer.from(bytes.subarray(start));
    this.lineParts.push(rest);
    this.lineBytes += rest.length;
    if (this.lineBytes > MAX_LINE_CHARS) {
      this.lineParts = [];
      this.lineBytes = 0;
      this.skippingLine = true;
    }
  }

  private bytesLine(line: Buffer): void {
    if (line.length < 6 || !mayReport(line)) return;
    this.line(line.toString('utf8'));
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

/**
 * Whether a line may carry usage or an error, so is worth decoding and parsing. A short line is searched whole. In
 * a long one (a big text or tool-argument delta, a `response.completed` holding the whole output) an error shows
 * at its start (`{"error":`, `"type":"error"`, `response.failed` with its `error` before the output) and usage
 * near its end, so only those parts are searched: one pass over the line instead of three.
 */
function mayReport(line: Buffer): boolean {
  if (line.length <= SHORT_LINE_BYTES) return hasUsageObject(line) || line.indexOf(ERROR_NEEDLE) !== -1 || line.indexOf(MESSAGE_NEEDLE) !== -1;
  const head = line.subarray(0, LONG_LINE_HEAD_BYTES);
  return head.indexOf(ERROR_NEEDLE) !== -1 || head.indexOf(MESSAGE_NEEDLE) !== -1 || hasUsageObject(line.subarray(Math.max(0, line.length - LONG_LINE_TAIL_BYTES)));
}

/** True when the line has `"usage"` followed by `:` and `{` (Chat's `"usage":null` on every chunk is not). */
function hasUsageObject(line: Buffer): boolean {
  for (let found = line.indexOf(USAGE_NEEDLE); found !== -1; found = line.indexOf(USAGE_NEEDLE, found + 7)) {
    let index = found + 7;
    while (line[index] === 32) index += 1;
    if (line[index] !== 58 /* : */) continue;
    index += 1;
    while (line[index] === 32) index += 1;
    if (line[index] === 123 /* { */) return true;
  }
  return false;
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

