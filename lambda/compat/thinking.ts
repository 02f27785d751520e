/**
 * Classic extended thinking for models that take only adaptive thinking (`compatibility.aws_bedrock.thinking:
 * adaptive_only`, Claude Opus 4.7 and newer on Mantle). Apps written for Anthropic's API send
 * `thinking: {"type": "enabled", "budget_tokens": N}` or `{"type": "disabled"}`, which such a model rejects with
 * a 400. This rewrite changes only the top-level `thinking` and `output_config` members of the body text; every
 * other byte stays as the caller sent it. The same rewrite serves Messages and count_tokens.
 */
import { InvalidRequestError } from '../domain/errors.js';
import { appendMember, applyEdits, isEmptyObjectText, removeMember, topLevelMembers, type TextEdit } from '../json/top-level-members.js';

/** Adaptive thinking's effort levels as Mantle takes them in `output_config.effort`. */
export type ThinkingEffort = 'low' | 'medium' | 'high' | 'max';

/**
 * The effort that stands in for a thinking budget: below 4,096 tokens `low`, below 16,384 `medium`, below
 * 32,768 `high`, else `max`.
 */
export function effortForBudget(budgetTokens: number): ThinkingEffort {
  if (budgetTokens < 4_096) return 'low';
  if (budgetTokens < 16_384) return 'medium';
  if (budgetTokens < 32_768) return 'high';
  return 'max';
}

/**
 * Rewrites classic thinking into adaptive thinking:
 * - `{"type": "enabled", "budget_tokens": N}` becomes `{"type": "adaptive"}`, and `output_config.effort` is set
 *   from N unless the caller set an effort (other `output_config` members are kept as sent);
 * - `{"type": "disabled"}` is removed, and no `output_config` is added;
 * - anything else (adaptive, no thinking) returns the text unchanged, the same string.
 *
 * @param text the body as received (valid JSON, already parsed into `body`)
 * @throws InvalidRequestError when `enabled` comes without a usable `budget_tokens`
 * @example
 * translateThinking('{"model":"m","thinking":{"type":"enabled","budget_tokens":2048}}', body)
 * // '{"model":"m","thinking":{"type":"adaptive"},"output_config":{"effort":"low"}}'
 */
export function translateThinking(text: string, body: Readonly<Record<string, unknown>>): string {
  const thinking = body['thinking'];
  if (!isRecord(thinking)) return text;
  if (thinking['type'] === 'disabled') {
    const members = topLevelMembers(text);
    // Remove from the last one back, so each removal's offsets stay valid.
    let result = text;
    for (let index = members.length - 1; index >= 0; index--) {
      if (members[index]!.key === 'thinking') result = applyEdits(result, [removeMember(topLevelMembers(result), index)]);
    }
    return result;
  }
  if (thinking['type'] !== 'enabled') return text;
  const budget = thinking['budget_tokens'];
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) {
    throw new InvalidRequestError('thinking.budget_tokens must be a positive integer when thinking.type is "enabled".', {
      code: 'invalid_thinking',
      param: 'thinking.budget_tokens',
    });
  }
  return toAdaptive(text, body, effortForBudget(budget));
}

function toAdaptive(text: string, body: Readonly<Record<string, unknown>>, effort: ThinkingEffort): string {
  const members = topLevelMembers(text);
  const edits: TextEdit[] = members
    .filter((member) => member.key === 'thinking')
    .map((member) => ({ start: member.valueStart, end: member.valueEnd, text: '{"type":"adaptive"}' }));
  const outputConfig = body['output_config'];
  // The caller's effort wins; a non-object output_config is the caller's error, which Mantle words best.
  if (isRecord(outputConfig) && outputConfig['effort'] !== undefined) return applyEdits(text, edits);
  if (outputConfig !== undefined && outputConfig !== null && !isRecord(outputConfig)) return applyEdits(text, edits);
  const effortMember = `"effort":${JSON.stringify(effort)}`;
  const configMembers = members.filter((member) => member.key === 'output_config');
  if (configMembers.length === 0) return applyEdits(text, [...edits, appendMember(text, members, 'output_config', `{${effortMember}}`)]);
  for (const member of configMembers) {
    if (text.startsWith('null', member.valueStart)) {
      edits.push({ start: member.valueStart, end: member.valueEnd, text: `{${effortMember}}` });
    } else if (text.charCodeAt(member.valueStart) === 0x7b) {
      // Keep the caller's output_config members byte for byte; effort becomes its first member.
      const insertAt = member.valueStart + 1;
      edits.push({ start: insertAt, end: insertAt, text: isEmptyObjectText(text, member) ? effortMember : `${effortMember},` });
    }
  }
  return applyEdits(text, edits);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
