/**
 * What a push would do: each provider and model document of a file compared with the parameter holding it in
 * SSM. Shared by `diff` (which prints it) and `push` (which carries it out).
 */
import { DOCUMENT_KINDS, parseParameterName, type DocumentKind } from '../lambda/config-store/parameter-layout.js';
import { fieldChanges, sameDocument } from './field-changes.js';
import type { LiveParameter } from './ssm-documents.js';

export type ChangeStatus = 'added' | 'changed' | 'removed' | 'unchanged';

export interface DocumentChange {
  readonly kind: DocumentKind;
  readonly id: string;
  /** The parameter name. */
  readonly name: string;
  readonly status: ChangeStatus;
  /** The file's document as JSON; absent for `removed`. */
  readonly value?: string;
  /** The parameter as it is in SSM; absent for `added`. */
  readonly live?: LiveParameter;
  /** For `changed`: one line per field. */
  readonly fields: readonly string[];
}

/**
 * @param desired the file's parameters (`toParameters`), in file order
 * @param live what SSM holds (`readLiveParameters`)
 * @returns providers then models; each in file order, then the removed ones by id
 */
export function planChanges(prefix: string, desired: ReadonlyMap<string, string>, live: ReadonlyMap<string, LiveParameter>): DocumentChange[] {
  const changes: DocumentChange[] = [];
  for (const [name, value] of desired) {
    const { kind, id } = parseParameterName(prefix, name)!;
    const current = live.get(name);
    if (!current) {
      changes.push({ kind, id, name, status: 'added', value, fields: [] });
      continue;
    }
    const fields = compare(current.value, value);
    changes.push({ kind, id, name, status: fields.length === 0 ? 'unchanged' : 'changed', value, live: current, fields });
  }
  const removed = [...live.keys()].filter((name) => !desired.has(name)).sort();
  for (const name of removed) {
    const { kind, id } = parseParameterName(prefix, name)!;
    changes.push({ kind, id, name, status: 'removed', live: live.get(name)!, fields: [] });
  }
  return DOCUMENT_KINDS.flatMap((kind) => changes.filter((change) => change.kind === kind));
}

export function countByStatus(changes: readonly DocumentChange[]): Record<ChangeStatus, number> {
  const counts: Record<ChangeStatus, number> = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const change of changes) counts[change.status] += 1;
  return counts;
}

/**
 * The plan as an admin reads it:
 *
 *   providers
 *     + mantle-eu-west-1 (new)
 *   models
 *     ~ gpt-55-bedrock
 *         ~ routes[0].upstream_model: "openai.gpt-5.5" -> "openai.gpt-5.6"
 *     - old-model (only in SSM; push --prune deletes it)
 *
 *   1 to add, 1 to change, 1 to remove with --prune, 5 unchanged.
 */
export function formatPlan(changes: readonly DocumentChange[]): string {
  const lines: string[] = [];
  for (const kind of DOCUMENT_KINDS) {
    const shown = changes.filter((change) => change.kind === kind && change.status !== 'unchanged');
    if (shown.length === 0) continue;
    lines.push(kind);
    for (const change of shown) lines.push(...describe(change));
  }
  const counts = countByStatus(changes);
  if (lines.length === 0) return `No differences (${counts.unchanged} unchanged).\n`;
  lines.push('');
  lines.push(
    `${counts.added} to add, ${counts.changed} to change, ${counts.removed} to remove with --prune, ${counts.unchanged} unchanged.`,
  );
  return `${lines.join('\n')}\n`;
}

function describe(change: DocumentChange): string[] {
  switch (change.status) {
    case 'added':
      return [`  + ${change.id} (new)`];
    case 'removed':
      return [`  - ${change.id} (only in SSM; push --prune deletes it)`];
    case 'changed':
      return [`  ~ ${change.id}`, ...change.fields.map((field) => `      ${field}`)];
    case 'unchanged':
      return [];
  }
}

function compare(liveValue: string, desiredValue: string): string[] {
  let live: unknown;
  try {
    live = JSON.parse(liveValue);
  } catch {
    return ['~ (document): SSM holds a value that is not valid JSON; push replaces it'];
  }
  const desired: unknown = JSON.parse(desiredValue);
  return sameDocument(live, desired) ? [] : fieldChanges(live, desired);
}
