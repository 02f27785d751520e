/**
 * Turns candidate key and principal documents (from SSM parameters or a keys file) into the documents in service,
 * failing closed: a candidate that is not valid JSON, fails validation, does not match the name it is stored
 * under, or shares its id with another candidate is refused, and nothing older stands in for it. Pure, so the
 * rules are tested on their own; the sources own reading, timing and logging.
 */
import type { Validated } from '../config/validate-provider.js';
import { validateKeyDocument, validatePrincipalDocument, type KeyDocument, type PrincipalDocument } from './caller-documents.js';
import type { CallerDocuments } from './caller-directory.js';

export type CallerDocumentKind = 'keys' | 'principals';

export interface CallerCandidate {
  readonly kind: CallerDocumentKind;
  /** Where it came from, for messages: `/mantle-gateway/keys/0123abcd`, `keys.yaml keys[2]`. */
  readonly source: string;
  /** The document, or the JSON text of an SSM parameter. */
  readonly document: unknown;
  /** For SSM: the id or name the parameter name says; the document must agree. */
  readonly expectedId?: string;
  /** The raw value, to tell an unchanged bad document from a new one when logging. */
  readonly raw?: string;
}

export interface RefusedCallerDocument {
  readonly source: string;
  readonly kind: CallerDocumentKind;
  readonly reasons: readonly string[];
  /** The candidate's raw value or a digest of it: only compared, never logged. */
  readonly signature: string;
}

export interface AdmittedCallers {
  readonly documents: CallerDocuments;
  readonly refused: readonly RefusedCallerDocument[];
}

export function admitCallerDocuments(candidates: readonly CallerCandidate[]): AdmittedCallers {
  const refused: RefusedCallerDocument[] = [];
  const keys = new Map<string, KeyDocument>();
  const principals = new Map<string, PrincipalDocument>();
  const duplicated = new Set<string>();
  let refusedPrincipals = 0;
  const refuse = (candidate: CallerCandidate, reasons: readonly string[]): void => {
    if (candidate.kind === 'principals') refusedPrincipals += 1;
    refused.push({ source: candidate.source, kind: candidate.kind, reasons, signature: `${candidate.raw ?? JSON.stringify(candidate.document)}\n${reasons.join('\n')}` });
  };
  for (const candidate of candidates) {
    const result = validateCandidate(candidate);
    if (!result.ok) {
      refuse(candidate, result.issues);
      continue;
    }
    const id = 'id' in result.value ? result.value.id : result.value.name;
    const target: Map<string, KeyDocument | PrincipalDocument> = candidate.kind === 'keys' ? keys : principals;
    const key = `${candidate.kind}/${id}`;
    if (target.has(id) || duplicated.has(key)) {
      // Two documents for one id: neither is trusted.
      if (target.delete(id) && candidate.kind === 'principals') refusedPrincipals += 1;
      duplicated.add(key);
      refuse(candidate, [`${candidate.kind === 'keys' ? 'key' : 'principal'} ${JSON.stringify(id)} is defined more than once; all its definitions are refused`]);
      continue;
    }
    target.set(id, result.value);
  }
  return {
    documents: { keys: [...keys.values()], principals: [...principals.values()], refusedPrincipals },
    refused,
  };
}

function validateCandidate(candidate: CallerCandidate): Validated<KeyDocument | PrincipalDocument> {
  let document = candidate.document;
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch {
      // Not the parser's message: it quotes the text, and a mistaken value could be a key.
      return { ok: false, issues: [`${candidate.source}: the value is not valid JSON`] };
    }
  }
  const result = candidate.kind === 'keys' ? validateKeyDocument(document, candidate.source) : validatePrincipalDocument(document, candidate.source);
  if (!result.ok || candidate.expectedId === undefined) return result;
  const id = 'id' in result.value ? result.value.id : result.value.name;
  if (id === candidate.expectedId) return result;
  const field = candidate.kind === 'keys' ? 'id' : 'name';
  return { ok: false, issues: [`${candidate.source}: the document's ${field} ${JSON.stringify(id)} does not match the parameter name`] };
}
