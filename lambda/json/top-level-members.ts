/**
 * Locates the members of a JSON object text's top level, so the gateway can swap `model`, or a translation replace,
 * remove or add one member, and leave every other byte as the caller sent it (number formatting, key order, escapes, spacing).
 * The text must already be known to be a valid JSON object (the gateway parsed it first).
 */

/** One top-level member: `"key": value`, with the offsets of the key's opening quote and of the value. */
export interface JsonMember {
  /** The key as JSON.parse reads it (escapes decoded). */
  readonly key: string;
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** A replacement of `text.slice(start, end)`; edits must not overlap. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Every top-level member in order (duplicates included: JSON.parse keeps the last, so edits treat all alike). */
export function topLevelMembers(json: string): JsonMember[] {
  const members: JsonMember[] = [];
  let position = skipWhitespace(json, 0);
  if (json.charCodeAt(position) !== OPEN_BRACE) return members;
  position = skipWhitespace(json, position + 1);
  while (position < json.length && json.charCodeAt(position) !== CLOSE_BRACE) {
    const keyStart = position;
    const keyEnd = skipString(json, position);
    const rawKey = json.slice(position + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(json.slice(position, keyEnd)) as string) : rawKey;
    position = skipWhitespace(json, keyEnd);
    if (json.charCodeAt(position) !== COLON) return members;
    const valueStart = skipWhitespace(json, position + 1);
    const valueEnd = skipValue(json, valueStart);
    members.push({ key, keyStart, valueStart, valueEnd });
    position = skipWhitespace(json, valueEnd);
    if (json.charCodeAt(position) === COMMA) position = skipWhitespace(json, position + 1);
  }
  return members;
}

/** The edit that removes `members[index]` together with one separating comma. */
export function removeMember(members: readonly JsonMember[], index: number): TextEdit {
  const member = members[index]!;
  const next = members[index + 1];
  if (next) return { start: member.keyStart, end: next.keyStart, text: '' };
  const previous = members[index - 1];
  if (previous) return { start: previous.valueEnd, end: member.valueEnd, text: '' };
  return { start: member.keyStart, end: member.valueEnd, text: '' };
}

/** The edit that adds `"key":value` (value already JSON) as the object's last member. */
export function appendMember(json: string, members: readonly JsonMember[], key: string, valueJson: string): TextEdit {
  const close = json.lastIndexOf('}');
  const last = members.at(-1);
  const member = `${JSON.stringify(key)}:${valueJson}`;
  if (!last) return { start: close, end: close, text: member };
  return { start: last.valueEnd, end: last.valueEnd, text: `,${member}` };
}

/** Applies non-overlapping edits in one pass. */
export function applyEdits(json: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return json;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let result = '';
  let position = 0;
  for (const edit of sorted) {
    result += json.slice(position, edit.start) + edit.text;
    position = edit.end;
  }
  return result + json.slice(position);
}

/** Whether an object value text (`{ ... }`) has no members. */
export function isEmptyObjectText(json: string, member: JsonMember): boolean {
  return json.charCodeAt(skipWhitespace(json, member.valueStart + 1)) === CLOSE_BRACE;
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
