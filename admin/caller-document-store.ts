/**
 * Where the `keys` and `principals` commands read and write caller documents: SSM (`<prefix>/keys/<id>` as
 * SecureStrings, `<prefix>/principals/<name>` as Strings, then the revision marker) or a keys file (`--file`, the
 * same documents under `keys:` and `principals:`, written atomically with owner-only permissions).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DeleteParameterCommand, PutParameterCommand, type SSMClient, paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { isMap, isSeq, parseDocument, Document, type YAMLMap } from 'yaml';
import type { CallerDocumentKind } from '../lambda/auth/admit-caller-documents.js';
import { callerParameterName } from '../lambda/auth/caller-parameters.js';
import { keysFileCandidates, KeysFileError } from '../lambda/auth/keys-file.js';
import { CliError } from './cli-errors.js';
import { updateRevisionMarker } from './revision-marker.js';

/** Stored documents of one kind: id (or name) to the document as stored (an object, or text that is not JSON). */
export type StoredDocuments = Map<string, unknown>;

export interface CallerDocumentStore {
  /** For messages: `SSM /mantle-gateway in us-east-2`, `keys.yaml`. */
  readonly label: string;
  list(kind: CallerDocumentKind): Promise<StoredDocuments>;
  /** @param mustBeNew refuse to replace an existing document (a new key id) */
  put(kind: CallerDocumentKind, id: string, document: Record<string, unknown>, mustBeNew: boolean): Promise<void>;
  /** @returns false when there was nothing to delete */
  delete(kind: CallerDocumentKind, id: string): Promise<boolean>;
  /** After the writes: SSM updates the revision marker. */
  committed(): Promise<void>;
}

export function ssmCallerStore(client: SSMClient, prefix: string, label: string): CallerDocumentStore {
  return {
    label,
    async list(kind) {
      const documents: StoredDocuments = new Map();
      const path = `${prefix}/${kind}`;
      for await (const page of paginateGetParametersByPath({ client }, { Path: path, Recursive: false, WithDecryption: true })) {
        for (const parameter of page.Parameters ?? []) {
          if (!parameter.Name || parameter.Value === undefined) continue;
          documents.set(parameter.Name.slice(path.length + 1), parseStored(parameter.Value));
        }
      }
      return documents;
    },
    async put(kind, id, document, mustBeNew) {
      await client.send(
        new PutParameterCommand({
          Name: callerParameterName(prefix, kind, id),
          Value: JSON.stringify(document),
          // The hash is not the secret, but a key document is still nobody else's business.
          Type: kind === 'keys' ? 'SecureString' : 'String',
          Tier: 'Intelligent-Tiering',
          Overwrite: !mustBeNew,
        }),
      );
    },
    async delete(kind, id) {
      try {
        await client.send(new DeleteParameterCommand({ Name: callerParameterName(prefix, kind, id) }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ParameterNotFound') return false;
        throw error;
      }
    },
    async committed() {
      await updateRevisionMarker(client, prefix, 'keys');
    },
  };
}

export function fileCallerStore(path: string): CallerDocumentStore {
  const load = (): Document => {
    if (!existsSync(path)) return new Document({ keys: [], principals: [] });
    const text = readFileSync(path, 'utf8');
    try {
      keysFileCandidates(path, text);
    } catch (error) {
      if (error instanceof KeysFileError) throw new CliError(error.issues.join('; '));
      throw error;
    }
    const doc = parseDocument(text);
    if (!isMap(doc.contents)) return new Document({ keys: [], principals: [] });
    return doc;
  };
  let pending: Document | undefined;
  const items = (doc: Document, kind: CallerDocumentKind): YAMLMap[] => {
    const seq = doc.get(kind, true);
    return isSeq(seq) ? (seq.items as YAMLMap[]) : [];
  };
  const idOf = (kind: CallerDocumentKind, item: unknown): unknown => (isMap(item) ? item.get(kind === 'keys' ? 'id' : 'name') : undefined);
  return {
    label: path,
    async list(kind) {
      const documents: StoredDocuments = new Map();
      for (const item of items(load(), kind)) {
        const id = idOf(kind, item);
        if (typeof id === 'string') documents.set(id, item.toJSON());
      }
      return documents;
    },
    async put(kind, id, document, mustBeNew) {
      const doc = (pending ??= load());
      if (!isSeq(doc.get(kind, true))) doc.set(kind, doc.createNode([]));
      const list = items(doc, kind);
      const at = list.findIndex((item) => idOf(kind, item) === id);
      if (at >= 0 && mustBeNew) throw new CliError(`${path} already has ${kind} ${id}`);
      const node = doc.createNode(document) as YAMLMap;
      if (at >= 0) list[at] = node;
      else list.push(node);
    },
    async delete(kind, id) {
      const doc = (pending ??= load());
      const list = items(doc, kind);
      const at = list.findIndex((item) => idOf(kind, item) === id);
      if (at < 0) return false;
      list.splice(at, 1);
      return true;
    },
    async committed() {
      if (!pending) return;
      // Write a sibling and rename: a gateway reloading the file never reads half of it.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, pending.toString({ lineWidth: 0 }), { mode: 0o600 });
      renameSync(temporary, path);
      pending = undefined;
    },
  };
}

function parseStored(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
