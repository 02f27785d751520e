/**
 * Small typed readers over untrusted YAML/JSON documents that collect every problem instead of stopping at the
 * first, each message prefixed with where it was found (`model "gpt-55-bedrock" route 0: ...`).
 */

export type Doc = Record<string, unknown>;

export class IssueList {
  readonly messages: string[] = [];

  add(where: string, message: string): void {
    this.messages.push(`${where}: ${message}`);
  }

  get empty(): boolean {
    return this.messages.length === 0;
  }
}

export function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the value as an object whose keys are all in `allowed`, reporting unknown keys; undefined if not an object. */
export function readObject(
  value: unknown,
  where: string,
  field: string,
  allowed: readonly string[],
  issues: IssueList,
): Doc | undefined {
  if (!isDoc(value)) {
    issues.add(where, `${field} must be a mapping`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      issues.add(where, `unknown key ${joinField(field, key)} (allowed: ${allowed.join(', ')})`);
    }
  }
  return value;
}

export function readString(
  doc: Doc,
  key: string,
  where: string,
  issues: IssueList,
  options: { required: boolean; field?: string; pattern?: RegExp; hint?: string },
): string | undefined {
  const field = options.field ?? key;
  const value = doc[key];
  if (value === undefined || value === null) {
    if (options.required) issues.add(where, `${field} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    issues.add(where, `${field} must be a non-empty string`);
    return undefined;
  }
  if (options.pattern && !options.pattern.test(value)) {
    issues.add(where, `${field} ${JSON.stringify(value)} is not valid${options.hint ? `: ${options.hint}` : ''}`);
    return undefined;
  }
  return value;
}

export function readOneOf<T extends string>(
  doc: Doc,
  key: string,
  where: string,
  issues: IssueList,
  choices: readonly T[],
  options: { required: boolean; field?: string },
): T | undefined {
  const field = options.field ?? key;
  const value = doc[key];
  if (value === undefined || value === null) {
    if (options.required) issues.add(where, `${field} is required (one of ${choices.join(', ')})`);
    return undefined;
  }
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    issues.add(where, `${field} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value as T;
}

export function readStringList(doc: Doc, key: string, where: string, issues: IssueList, field = key): string[] | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    issues.add(where, `${field} must be a list of non-empty strings`);
    return undefined;
  }
  return value as string[];
}

export function joinField(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
