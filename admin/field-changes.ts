/**
 * What changed inside one document, field by field (`routes[0].upstream_model: "a" -> "b"`), for `diff` and
 * `push`. Object key order does not count as a change: the gateway reads fields by name.
 */

export function sameDocument(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameDocument(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameDocument(a[key], b[key]));
  }
  return a === b;
}

/** One line per changed leaf: `~ path: before -> after`, `+ path: value`, `- path: value`. */
export function fieldChanges(before: unknown, after: unknown, path = ''): string[] {
  if (sameDocument(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const lines: string[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      lines.push(...childChanges(before, after, index, `${path}[${index}]`));
    }
    return lines;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((key) => !(key in after))];
    return keys.flatMap((key) => childChanges(before, after, key, path ? `${path}.${key}` : key));
  }
  return [`~ ${path || '(document)'}: ${render(before)} -> ${render(after)}`];
}

function childChanges(before: object, after: object, key: string | number, path: string): string[] {
  const inBefore = key in before;
  const inAfter = key in after;
  const beforeValue = (before as Record<string | number, unknown>)[key];
  const afterValue = (after as Record<string | number, unknown>)[key];
  if (inBefore && inAfter) return fieldChanges(beforeValue, afterValue, path);
  return inAfter ? [`+ ${path}: ${render(afterValue)}`] : [`- ${path}: ${render(beforeValue)}`];
}

const MAX_RENDERED = 100;

function render(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > MAX_RENDERED ? `${text.slice(0, MAX_RENDERED - 1)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
