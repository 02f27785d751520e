/**
 * How the gateway's configuration lives in SSM Parameter Store: one parameter per document, each holding that one
 * document as JSON, exactly as written in the config file, plus one revision marker.
 *
 *   <prefix>/providers/<provider id>   {"id": "...", "type": "aws_bedrock", ...}
 *   <prefix>/models/<model id>         {"id": "...", "routes": [...]}
 *   <prefix>/revision                  any token; changes whenever a document changes (docs/adr/0004-...)
 *
 * One parameter per document keeps each under the 4 KB standard-tier limit for typical models, lets an admin
 * edit one model with a single `aws ssm put-parameter --overwrite`, and lets a bad edit be held back alone.
 * Shared by the CDK app (seeding, the marker's EventBridge rule), the admin CLI (push, pull, diff) and the
 * Lambda's store (reading).
 */

import { randomBytes } from 'node:crypto';

/** The route documents of the config file (what `push`, `pull` and `diff` manage). */
export type DocumentKind = 'providers' | 'models';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['providers', 'models'];

/**
 * How the store treats the documents under one sub-path of the prefix:
 * - `route-table`: validated one by one and compiled into the route table, each keeping its last-known-good
 *   version when a new value is bad (providers, models; `merge-last-known-good.ts`).
 * - `fail-closed`: handed to the stage that owns the kind as raw values (`ConfigSnapshot.documents`); that stage
 *   validates strictly and refuses an invalid document outright, with no last-known-good (caller keys: a bad
 *   or revoked key must never keep working).
 */
export type MergePolicy = 'route-table' | 'fail-closed';

/** One sub-path the store reads: `<prefix>/<kind>/<id>`, one level deep. */
export interface LayoutPath {
  readonly kind: string;
  /**
   * Read with decryption (the kind may hold SecureStrings). A kind that needs none is read without it, so no KMS
   * call is made and no key permission is needed.
   */
  readonly decrypt: boolean;
  readonly policy: MergePolicy;
}

/**
 * Every sub-path the store reads, in reading order. Nothing else under the prefix is read (a SecureString an
 * admin keeps beside the configuration is never fetched nor decrypted). A new kind of document is one entry here
 * (the EventBridge rule that keeps the revision marker follows this list), plus its consumer reading
 * `ConfigSnapshot.documents.get(kind)`.
 */
export const LAYOUT_PATHS: readonly LayoutPath[] = [
  // Route documents may be stored as SecureStrings (an admin's choice); both are read decrypted.
  { kind: 'providers', decrypt: true, policy: 'route-table' },
  { kind: 'models', decrypt: true, policy: 'route-table' },
  // Caller documents (lambda/auth/): a key document is a SecureString; principals are plain Strings.
  { kind: 'keys', decrypt: true, policy: 'fail-closed' },
  { kind: 'principals', decrypt: false, policy: 'fail-closed' },
];

/** `<prefix>/revision`: the parameter whose value changes whenever the configuration does. */
export const REVISION_MARKER = 'revision';

export function revisionParameterName(prefix: string): string {
  return `${prefix}/${REVISION_MARKER}`;
}

/**
 * A new marker value: when, which writer (`push`, `deploy`, `event`...), and a random suffix so that two writes
 * in the same millisecond still differ. Only inequality matters to the store; the rest is for people.
 */
export function newRevisionToken(origin: string, now: Date = new Date()): string {
  return `${now.toISOString()} ${origin} ${randomBytes(4).toString('hex')}`;
}

/** @default '/mantle-gateway' */
export const DEFAULT_SSM_PREFIX = '/mantle-gateway';

const PREFIX_PATTERN = /^(\/[A-Za-z0-9_.-]+)+$/;

/** Validates a prefix: absolute, no trailing slash, SSM's name alphabet. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!PREFIX_PATTERN.test(trimmed)) {
    throw new Error(`SSM prefix ${JSON.stringify(prefix)} is not valid: use an absolute path such as /mantle-gateway`);
  }
  return trimmed;
}

export function parameterName(prefix: string, kind: DocumentKind, id: string): string {
  return `${prefix}/${kind}/${id}`;
}

/** Splits a parameter name under the prefix into kind and id, or undefined for names outside the layout. */
export function parseParameterName(prefix: string, name: string): { kind: DocumentKind; id: string } | undefined {
  if (!name.startsWith(`${prefix}/`)) return undefined;
  const [kind, id, ...rest] = name.slice(prefix.length + 1).split('/');
  if (rest.length > 0 || !id || (kind !== 'providers' && kind !== 'models')) return undefined;
  return { kind, id };
}

/** A route configuration file's top level as written: lists of provider and model documents. */
export interface ConfigDocument {
  readonly providers?: readonly unknown[];
  readonly models?: readonly unknown[];
}

/**
 * The parameters for a config document as written (`{providers: [...], models: [...]}`), name to JSON value.
 * Call it on a document that `validateGatewayConfig` accepted.
 */
export function toParameters(prefix: string, document: ConfigDocument): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const kind of DOCUMENT_KINDS) {
    for (const item of document[kind] ?? []) {
      const id = (item as { id: string }).id;
      parameters.set(parameterName(prefix, kind, id), JSON.stringify(item));
    }
  }
  return parameters;
}

/**
 * The largest document a parameter holds: 8 KB, the advanced tier's limit (standard holds 4 KB). The admin CLI
 * writes with `Intelligent-Tiering`, so a document pays for the advanced tier only when it needs it.
 */
export const MAX_PARAMETER_VALUE_BYTES = 8192;

/** Messages for documents too large for one parameter, in the validator's `where: problem` style. */
export function oversizedParameters(parameters: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of parameters) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_PARAMETER_VALUE_BYTES) {
      problems.push(`${name}: the document is ${bytes} bytes as JSON; an SSM parameter holds at most ${MAX_PARAMETER_VALUE_BYTES}`);
    }
  }
  return problems;
}
