/**
 * Writes provider and model documents back as a route file (`providers:` then `models:`), each document with its
 * keys in the order SSM holds them.
 *
 * Into an existing route file, the file's own order and comments are kept: an unchanged document keeps its node
 * (comments, flow lists and all), a changed one is replaced in place and keeps the comment above it, and documents
 * the file did not have are appended by id. So pulling into the file you pushed from changes only what changed in
 * SSM. Without a file, documents are ordered by id: SSM has no order of its own.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, visit, type Node, type YAMLSeq } from 'yaml';
import { DOCUMENT_KINDS, type DocumentKind } from '../lambda/config-store/parameter-layout.js';
import { sameDocument } from './field-changes.js';

export type DocumentsByKind = Record<DocumentKind, ReadonlyMap<string, Record<string, unknown>>>;

const TO_STRING = { flowCollectionPadding: false, lineWidth: 0 } as const;

/**
 * Parses a route file to merge into, or explains why it cannot be one.
 * @returns the document, or a one-line problem (a YAML error with its line and column, or a top level that is
 *   not a mapping); an empty file, or one with only comments, is a document with no contents
 */
export function parseRouteFile(text: string): Document | { readonly problem: string } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) return { problem: error.message.split('\n')[0] ?? error.message };
  if (doc.contents !== null && !isMap(doc.contents)) return { problem: 'not a route file (its top level is not a mapping)' };
  return doc;
}

/** @param existing a route file from {@link parseRouteFile}, changed in place; without one, a fresh file */
export function renderConfigYaml(documents: DocumentsByKind, existing?: Document): string {
  if (!existing || !isMap(existing.contents)) return freshYaml(documents);
  for (const kind of DOCUMENT_KINDS) mergeInto(existing, kind, documents[kind]);
  return existing.toString(TO_STRING);
}

function freshYaml(documents: DocumentsByKind): string {
  const doc = new Document({
    providers: sortedById(documents.providers),
    models: sortedById(documents.models),
  });
  flowScalarLists(doc);
  return doc.toString(TO_STRING);
}

function mergeInto(doc: Document, kind: DocumentKind, live: ReadonlyMap<string, Record<string, unknown>>): void {
  const current = doc.get(kind, true);
  if (!isSeq(current)) {
    const created = doc.createNode(sortedById(live));
    flowScalarLists(created);
    doc.set(kind, created);
    return;
  }
  const seq = current as YAMLSeq<unknown>;
  const items: unknown[] = [];
  const seen = new Set<string>();
  for (const item of seq.items) {
    const id = idOf(item);
    const document = id === undefined ? undefined : live.get(id);
    if (id === undefined || document === undefined) continue;
    seen.add(id);
    items.push(sameDocument((item as Node).toJSON(), document) ? item : replacement(doc, item as Node, document));
  }
  const added = [...live.keys()].filter((id) => !seen.has(id)).sort();
  for (const id of added) items.push(replacement(doc, undefined, live.get(id)!));
  seq.items = items;
}

/** A new node for a document, keeping the blank line and comment that preceded the node it replaces. */
function replacement(doc: Document, previous: Node | undefined, document: Record<string, unknown>): Node {
  const node = doc.createNode(document);
  flowScalarLists(node);
  if (previous?.commentBefore) node.commentBefore = previous.commentBefore;
  node.spaceBefore = previous ? previous.spaceBefore ?? false : true;
  return node;
}

/** `tags: [a, b]` rather than one line per tag, as route files are written by hand. */
function flowScalarLists(node: Document | Node): void {
  visit(node, {
    Seq(_, seq) {
      if (seq.items.length > 0 && seq.items.every((item) => isScalar(item))) seq.flow = true;
    },
  });
}

function idOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const id = item.get('id');
  return typeof id === 'string' ? id : undefined;
}

function sortedById(documents: ReadonlyMap<string, Record<string, unknown>>): Record<string, unknown>[] {
  return [...documents.keys()].sort().map((id) => documents.get(id)!);
}
