/**
 * Keys and principals from the config store's snapshot (`ConfigSnapshot.documents`): the same reads, the same
 * TTL and revision marker as the routes, so a revocation reaches every environment within TTL + 1 s. The
 * directory is recompiled only when the store hands out a different map for `keys` or `principals` (it keeps a
 * kind's map while its documents are unchanged), so a request costs one identity check.
 */
import { admitCallerDocuments } from './admit-caller-documents.js';
import { compileCallerDirectory, type CallerDirectory, type CallerSource, type DocumentsByKind } from './caller-directory.js';
import { callerCandidatesFromDocuments } from './caller-parameters.js';
import { RefusalReporter, type RefusalLogger } from './refusal-log.js';

export interface SnapshotCallerOptions {
  /** For messages and logs: the parameter names under it. */
  readonly prefix: string;
  readonly logger: RefusalLogger;
}

export function createSnapshotCallerSource(options: SnapshotCallerOptions): CallerSource {
  const reporter = new RefusalReporter(options.logger);
  let keys: ReadonlyMap<string, string> | undefined;
  let principals: ReadonlyMap<string, string> | undefined;
  let directory: CallerDirectory | undefined;
  return {
    callers: (documents: DocumentsByKind) => {
      const currentKeys = documents.get('keys');
      const currentPrincipals = documents.get('principals');
      if (directory && currentKeys === keys && currentPrincipals === principals) return directory;
      const admitted = admitCallerDocuments(callerCandidatesFromDocuments(documents, options.prefix));
      reporter.report(admitted.refused);
      keys = currentKeys;
      principals = currentPrincipals;
      directory = compileCallerDirectory(admitted.documents);
      return directory;
    },
  };
}
