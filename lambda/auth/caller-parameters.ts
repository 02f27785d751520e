/**
 * Where keys and principals live in SSM, next to the routes (the store reads them as `fail-closed` kinds, see
 * `config-store/parameter-layout.ts`):
 *
 *   <prefix>/keys/<key id>        SecureString, one key document (the hash of the secret, never the secret)
 *   <prefix>/principals/<name>    String, one principal document
 *
 * Shared by the gateway (reading, from the config snapshot) and the admin CLI (writing).
 */
import type { CallerCandidate, CallerDocumentKind } from './admit-caller-documents.js';
import type { DocumentsByKind } from './caller-directory.js';

export const CALLER_DOCUMENT_KINDS: readonly CallerDocumentKind[] = ['keys', 'principals'];


export function callerParameterName(prefix: string, kind: CallerDocumentKind, id: string): string {
  return `${prefix}/${kind}/${id}`;
}

/** The key and principal documents of a snapshot, as candidates to admit. */
export function callerCandidatesFromDocuments(documents: DocumentsByKind, prefix: string): CallerCandidate[] {
  const candidates: CallerCandidate[] = [];
  for (const kind of CALLER_DOCUMENT_KINDS) {
    for (const [id, raw] of documents.get(kind) ?? []) {
      candidates.push({ kind, source: callerParameterName(prefix, kind, id), document: raw, raw, expectedId: id });
    }
  }
  return candidates;
}
