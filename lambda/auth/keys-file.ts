/**
 * A keys file (`GATEWAY_KEYS_FILE=keys.yaml`) for local runs: `keys:` and `principals:` lists holding the same
 * documents as SSM. `npx mantle-gateway keys create ... --file keys.yaml` writes it.
 *
 * The running server checks the file's modification time at most once per TTL, on the request path (a `stat`),
 * and reloads it when it changed, so a revocation applies within the TTL without a restart. Documents are
 * admitted fail closed; a file that cannot be read or parsed any more refuses every key until it is fixed.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { isDoc } from '../config/document-reader.js';
import { admitCallerDocuments, type AdmittedCallers, type CallerCandidate, type CallerDocumentKind } from './admit-caller-documents.js';
import { compileCallerDirectory, type CallerDirectory, type CallerSource } from './caller-directory.js';
import { RefusalReporter, type RefusalLogger } from './refusal-log.js';

const KINDS: readonly CallerDocumentKind[] = ['keys', 'principals'];

/** The whole file is unusable (unreadable, not YAML, wrong top level): the message says where. */
export class KeysFileError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid keys file:\n  - ${issues.join('\n  - ')}`);
    this.name = 'KeysFileError';
  }
}

/** Reads and admits a keys file. @throws KeysFileError when the file as a whole is unusable */
export function readKeysFile(path: string): AdmittedCallers {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeysFileError([`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return admitCallerDocuments(keysFileCandidates(path, text));
}

/** The candidate documents of a keys file's text. @throws KeysFileError for a syntax error or a wrong top level */
export function keysFileCandidates(path: string, text: string): CallerCandidate[] {
  let document: unknown;
  try {
    document = text.trim() === '' ? {} : parse(text, { uniqueKeys: true });
  } catch (error) {
    // The YAML parser's first line names line and column; it does not quote the text.
    throw new KeysFileError([`${path}: ${error instanceof Error ? (error.message.split('\n')[0] ?? 'not valid YAML') : 'not valid YAML'}`]);
  }
  if (document === null || document === undefined) document = {};
  if (!isDoc(document)) throw new KeysFileError([`${path}: the top level must be a mapping with keys: and principals: lists`]);
  const issues: string[] = [];
  const unknown = Object.keys(document).filter((key) => !(KINDS as readonly string[]).includes(key));
  if (unknown.length > 0) issues.push(`${path}: unknown top-level key ${unknown.join(', ')} (allowed: keys, principals)`);
  const candidates: CallerCandidate[] = [];
  for (const kind of KINDS) {
    const list = document[kind] ?? [];
    if (!Array.isArray(list)) {
      issues.push(`${path}: ${kind} must be a list`);
      continue;
    }
    list.forEach((item, index) => candidates.push({ kind, source: `${path} ${kind}[${index}]`, document: item }));
  }
  if (issues.length > 0) throw new KeysFileError(issues);
  return candidates;
}

export interface KeysFileSourceOptions {
  readonly path: string;
  /** How often the file's modification time is checked. @default 1000 */
  readonly checkEveryMs?: number;
  readonly logger: RefusalLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * @throws KeysFileError at creation when the file is unusable, so `npm start` refuses to start on a broken file.
 */
export function createKeysFileSource(options: KeysFileSourceOptions): CallerSource & { readonly initial: AdmittedCallers } {
  const now = options.now ?? Date.now;
  const every = options.checkEveryMs ?? 1000;
  const reporter = new RefusalReporter(options.logger);
  const initial = readKeysFile(options.path);
  reporter.report(initial.refused);
  let directory: CallerDirectory = compileCallerDirectory(initial.documents);
  let modified = mtimeOf(options.path);
  let nextCheck = now() + every;
  return {
    initial,
    callers: () => {
      if (now() < nextCheck) return directory;
      nextCheck = now() + every;
      const current = mtimeOf(options.path);
      if (current === modified) return directory;
      modified = current;
      try {
        const admitted = readKeysFile(options.path);
        reporter.report(admitted.refused);
        directory = compileCallerDirectory(admitted.documents);
      } catch (error) {
        options.logger.error('Keys file unusable; refusing every key until it is fixed', { issues: (error as KeysFileError).issues ?? [String(error)] });
        directory = EMPTY_CALLER_DIRECTORY_CLOSED;
      }
      return directory;
    },
  };
}

/** No keys, and a principal count that keeps IAM callers from getting every model. */
const EMPTY_CALLER_DIRECTORY_CLOSED: CallerDirectory = compileCallerDirectory({ keys: [], principals: [], refusedPrincipals: 1 });

/** Modification time and size: a rewrite within the same timestamp tick still shows. */
function mtimeOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

