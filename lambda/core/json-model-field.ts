/**
 * Finds the value of the top-level `"model"` member in a JSON text, so the gateway can swap the model id
 * without re-serializing the body: every other byte reaches Mantle exactly as the caller sent it (number
 * formatting, key order, unicode escapes). The text must already be known to be valid JSON.
 */

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where the top-level model members are, found in one walk over the top-level keys. */
export interface ModelFields {
  /** Value spans of every top-level `model` member (JSON allows duplicates; JSON.parse keeps the last). */
  readonly spans: readonly Span[];
  /**
   * The first top-level key that equals `model` case-insensitively but is not `model` (`MODEL`, `Model`). The
   * route check reads `model`; a case-insensitive decoder upstream could read this one instead.
   */
  readonly caseVariant: string | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Replaces the value of every top-level `model` member. */
export function replaceTopLevelModel(json: string, model: string, fields: ModelFields = scanTopLevelModel(json)): string {
  const { spans } = fields;
  let result = json;
  const replacement = JSON.stringify(model);
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index]!;
    result = result.slice(0, span.start) + replacement + result.slice(span.end);
  }
  return result;
}

/** Walks the top-level members once: the `model` value spans and any case variant of the key. */
export function scanTopLevelModel(json: string): ModelFields {
  const spans: Span[] = [];
  let caseVariant: string | undefined;
  let position = skipWhitespace(json, 0);
  if (json.charCodeAt(position) !== OPEN_BRACE) return { spans, caseVariant };
  position = skipWhitespace(json, position + 1);
  while (position < json.length && json.charCodeAt(position) !== CLOSE_BRACE) {
    const keyEnd = skipString(json, position);
    const rawKey = json.slice(position + 1, keyEnd - 1);
    // Escaped keys (`"mod\u0065l"`) are still `model` to JSON.parse, so decode them the same way.
    const key = rawKey.includes('\\') ? (JSON.parse(json.slice(position, keyEnd)) as string) : rawKey;
    position = skipWhitespace(json, keyEnd);
    if (json.charCodeAt(position) !== COLON) break;
    const valueStart = skipWhitespace(json, position + 1);
    const valueEnd = skipValue(json, valueStart);
    if (key === 'model') spans.push({ start: valueStart, end: valueEnd });
    else if (caseVariant === undefined && key.length === 5 && key.toLowerCase() === 'model') caseVariant = key;
    position = skipWhitespace(json, valueEnd);
    if (json.charCodeAt(position) === COMMA) position = skipWhitespace(json, position + 1);
  }
  return { spans, caseVariant };
}

function skipWhitespace(json: string, position: number): number {
  let index = position;
  for (;;) {
    const code = json.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return index;
    index++;
  }
}

/** `position` is at an opening quote; returns the index just past the closing quote. */
function skipString(json: string, position: number): number {
  let index = position + 1;
  for (;;) {
    const next = json.indexOf('"', index);
    if (next < 0) return json.length;
    let backslashes = 0;
    while (json.charCodeAt(next - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    index = next + 1;
  }
}

function skipValue(json: string, position: number): number {
  const code = json.charCodeAt(position);
  if (code === QUOTE) return skipString(json, position);
  if (code !== OPEN_BRACE && code !== OPEN_BRACKET) {
    let index = position;
    while (index < json.length) {
      const next = json.charCodeAt(index);
      if (next === COMMA || next === CLOSE_BRACE || next === CLOSE_BRACKET || next <= 0x20) break;
      index++;
    }
    return index;
  }
  let depth = 0;
  let index = position;
  while (index < json.length) {
    const next = json.charCodeAt(index);
    if (next === QUOTE) {
      index = skipString(json, index);
      continue;
    }
    if (next === OPEN_BRACE || next === OPEN_BRACKET) depth++;
    else if (next === CLOSE_BRACE || next === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return index + 1;
    }
    index++;
  }
  return index;
}
