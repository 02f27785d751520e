/**
 * The keys and principals in service, compiled once per load: a key lookup is one Map lookup, a principal match a
 * few regular expressions. Built from validated documents only; a document that failed validation is *refused*
 * (fail closed): unlike a route, it never falls back to an earlier version, because an earlier version of a
 * revoked or narrowed key is exactly what must stop working.
 */
import type { ModelGrants } from '../domain/caller.js';
import { callerArnCandidates, compileArnPatterns, type ArnMatcher } from './arn-pattern.js';
import type { KeyDocument, PrincipalDocument } from './caller-documents.js';
import { ALL_MODELS, compileGrants, unionGrants } from './grants.js';

/** The config snapshot's raw documents of the non-route kinds: kind, then id, then the parameter value. */
export type DocumentsByKind = ReadonlyMap<string, ReadonlyMap<string, string>>;

export interface KeyRecord {
  readonly id: string;
  readonly hash: string;
  readonly grants: ModelGrants;
  /** Milliseconds since the epoch; checked at request time. */
  readonly expiresAtMs?: number;
  readonly disabled: boolean;
}

interface PrincipalRecord {
  readonly name: string;
  readonly matches: ArnMatcher;
  readonly grants: ModelGrants;
}

export interface CallerDirectory {
  key(id: string): KeyRecord | undefined;
  /** Grants for a verified IAM caller: every model when no principal document exists, else what matching ones grant. */
  grantsForArn(arn: string): ModelGrants;
  readonly keyCount: number;
  readonly principalCount: number;
}

/**
 * Where the authenticate stage gets the directory, for the config snapshot the request is served with: derived
 * from the snapshot's documents (deployed, `snapshot-callers.ts`) or from a keys file (local runs), from memory.
 */
export interface CallerSource {
  callers(documents: DocumentsByKind): CallerDirectory | Promise<CallerDirectory>;
}

export interface CallerDocuments {
  readonly keys: readonly KeyDocument[];
  readonly principals: readonly PrincipalDocument[];
  /**
   * Principal documents that exist but were refused. They still count as "principal documents exist", so an
   * invalid document can only take grants away, never open the gateway to every IAM caller.
   */
  readonly refusedPrincipals?: number;
}

export function compileCallerDirectory(documents: CallerDocuments): CallerDirectory {
  const keys = new Map<string, KeyRecord>();
  for (const doc of documents.keys) {
    keys.set(doc.id, {
      id: doc.id,
      hash: doc.hash,
      grants: compileGrants(doc.grants),
      disabled: doc.disabled === true,
      ...(doc.expires_at ? { expiresAtMs: Date.parse(doc.expires_at) } : {}),
    });
  }
  const principals: PrincipalRecord[] = documents.principals.map((doc) => ({
    name: doc.name,
    matches: compileArnPatterns(doc.arns),
    grants: compileGrants(doc.grants),
  }));
  const open = principals.length === 0 && (documents.refusedPrincipals ?? 0) === 0;
  return {
    key: (id) => keys.get(id),
    grantsForArn: (arn) => {
      if (open) return ALL_MODELS;
      const candidates = callerArnCandidates(arn);
      return unionGrants(principals.filter((principal) => principal.matches(candidates)).map((principal) => principal.grants));
    },
    keyCount: keys.size,
    principalCount: principals.length,
  };
}

export const EMPTY_CALLER_DIRECTORY: CallerDirectory = compileCallerDirectory({ keys: [], principals: [] });

export function staticCallerSource(documents: CallerDocuments): CallerSource {
  const directory = compileCallerDirectory(documents);
  return { callers: () => directory };
}
