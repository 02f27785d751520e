/**
 * Finds the value of the top-level `"model"` member in a JSON text, so the gateway can swap the model id
 * without re-serializing the body: every other byte reaches Mantle exactly as the caller sent it (number
 * formatting, key order, unicode escapes). The text must already be known to be valid JSON.
 */
import { applyEdits, topLevelMembers } from '../json/top-level-members.js';

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

/** Replaces the value of every top-level `model` member. */
export function replaceTopLevelModel(json: string, model: string, fields: ModelFields = scanTopLevelModel(json)): string {
  const replacement = JSON.stringify(model);
  return applyEdits(json, fields.spans.map((span) => ({ ...span, text: replacement })));
}

/** Walks the top-level members once: the `model` value spans and any case variant of the key. */
export function scanTopLevelModel(json: string): ModelFields {
  const spans: Span[] = [];
  let caseVariant: string | undefined;
  for (const { key, valueStart, valueEnd } of topLevelMembers(json)) {
    if (key === 'model') spans.push({ start: valueStart, end: valueEnd });
    else if (caseVariant === undefined && key.length === 5 && key.toLowerCase() === 'model') caseVariant = key;
  }
  return { spans, caseVariant };
}
