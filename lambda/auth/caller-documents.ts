/**
 * The two caller documents, as stored in SSM (one JSON document per parameter) and in a keys file:
 *
 *   <prefix>/keys/<key id>      SecureString  {"id","name","hash","grants","expires_at"?,"disabled"?,"created_at"}
 *   <prefix>/principals/<name>  String        {"name","arns","grants"}
 *
 * Strict like the route documents (unknown fields are errors, every message names the document and the field),
 * and never quoting a `hash` value back: a message may end up in a log line.
 */
import { IssueList, readObject, readString, readStringList, type Doc } from '../config/document-reader.js';
import type { Validated } from '../config/validate-provider.js';
import { HASH_PATTERN, KEY_ID_PATTERN } from './api-key.js';
import { ARN_HINT, ARN_PATTERN } from './arn-pattern.js';
import { GRANT_HINT, GRANT_PATTERN } from './grants.js';

export interface KeyDocument {
  readonly id: string;
  /** Who or what holds the key, for admins: `ci-bot`, `team-search`. */
  readonly name: string;
  /** `sha256:<hex>` of the secret. */
  readonly hash: string;
  readonly grants: readonly string[];
  /** ISO 8601; the key is refused from this instant on. */
  readonly expires_at?: string;
  /** A revoked key. @default false */
  readonly disabled?: boolean;
  readonly created_at: string;
}

export interface PrincipalDocument {
  readonly name: string;
  /** Caller ARN patterns (`*` wildcards); see arn-pattern.ts for assumed roles. */
  readonly arns: readonly string[];
  readonly grants: readonly string[];
}

const KEY_FIELDS = ['id', 'name', 'hash', 'grants', 'expires_at', 'disabled', 'created_at'] as const;
const PRINCIPAL_FIELDS = ['name', 'arns', 'grants'] as const;

/** Names are SSM name segments (`<prefix>/principals/<name>`) and CLI arguments. */
export const CALLER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const NAME_HINT = 'use letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit)';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function validateKeyDocument(raw: unknown, label = 'key'): Validated<KeyDocument> {
  const issues = new IssueList();
  const where = describe(raw, 'id', label, 'key');
  const doc = readObject(raw, where, '', KEY_FIELDS, issues);
  if (!doc) return { ok: false, issues: issues.messages };
  const id = readString(doc, 'id', where, issues, { required: true, pattern: KEY_ID_PATTERN, hint: 'the key id: 8 to 64 lower-case letters or digits' });
  const name = readString(doc, 'name', where, issues, { required: true, pattern: CALLER_NAME_PATTERN, hint: NAME_HINT });
  const hash = readHash(doc, where, issues);
  const grants = readGrants(doc, where, issues);
  const expiresAt = readDateTime(doc, 'expires_at', where, issues, false);
  const createdAt = readDateTime(doc, 'created_at', where, issues, true);
  const disabled = doc['disabled'];
  if (disabled !== undefined && typeof disabled !== 'boolean') issues.add(where, 'disabled must be true or false');
  if (!issues.empty || !id || !name || !hash || !grants || !createdAt) return { ok: false, issues: issues.messages };
  return {
    ok: true,
    value: { id, name, hash, grants, created_at: createdAt, ...(expiresAt ? { expires_at: expiresAt } : {}), ...(disabled === true ? { disabled } : {}) },
  };
}

export function validatePrincipalDocument(raw: unknown, label = 'principal'): Validated<PrincipalDocument> {
  const issues = new IssueList();
  const where = describe(raw, 'name', label, 'principal');
  const doc = readObject(raw, where, '', PRINCIPAL_FIELDS, issues);
  if (!doc) return { ok: false, issues: issues.messages };
  const name = readString(doc, 'name', where, issues, { required: true, pattern: CALLER_NAME_PATTERN, hint: NAME_HINT });
  const arns = readNonEmptyList(doc, 'arns', where, issues);
  for (const [index, arn] of (arns ?? []).entries()) {
    if (!ARN_PATTERN.test(arn)) issues.add(where, `arns[${index}] ${JSON.stringify(arn.slice(0, 200))} is not valid: ${ARN_HINT}`);
  }
  const grants = readGrants(doc, where, issues);
  if (!issues.empty || !name || !arns || !grants) return { ok: false, issues: issues.messages };
  return { ok: true, value: { name, arns, grants } };
}

function describe(raw: unknown, idField: string, label: string, kind: string): string {
  const id = raw && typeof raw === 'object' ? (raw as Doc)[idField] : undefined;
  return typeof id === 'string' && id.length <= 128 ? `${kind} ${JSON.stringify(id)}` : label;
}

/** The hash is checked without echoing it: a mistaken paste could be the secret itself. */
function readHash(doc: Doc, where: string, issues: IssueList): string | undefined {
  const value = doc['hash'];
  if (value === undefined || value === null) issues.add(where, 'hash is required');
  else if (typeof value !== 'string' || !HASH_PATTERN.test(value)) issues.add(where, 'hash must be "sha256:" followed by 64 lower-case hex characters (value not shown)');
  else return value;
  return undefined;
}

function readGrants(doc: Doc, where: string, issues: IssueList): string[] | undefined {
  const grants = readNonEmptyList(doc, 'grants', where, issues);
  const bad = (grants ?? []).filter((grant) => !GRANT_PATTERN.test(grant));
  for (const grant of bad) issues.add(where, `grant ${JSON.stringify(grant.slice(0, 200))} is not valid: ${GRANT_HINT}`);
  return bad.length === 0 ? grants : undefined;
}

function readNonEmptyList(doc: Doc, key: string, where: string, issues: IssueList): string[] | undefined {
  if (doc[key] === undefined || doc[key] === null) {
    issues.add(where, `${key} is required`);
    return undefined;
  }
  const list = readStringList(doc, key, where, issues);
  if (list && list.length === 0) {
    issues.add(where, `${key} must list at least one entry`);
    return undefined;
  }
  return list;
}

function readDateTime(doc: Doc, key: string, where: string, issues: IssueList, required: boolean): string | undefined {
  const value = readString(doc, key, where, issues, { required });
  if (value === undefined) return undefined;
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    issues.add(where, `${key} ${JSON.stringify(value.slice(0, 64))} is not an ISO 8601 date-time with a time zone (2027-01-31T00:00:00Z)`);
    return undefined;
  }
  return value;
}
