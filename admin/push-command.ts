import { planChanges, countByStatus, type DocumentChange } from './change-plan.js';
import { CliError } from './cli-errors.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import { readValidConfigFile } from './config-file.js';
import { applyPush, gone, type PushTally } from './push-progress.js';
import { markPushedRevision } from './revision-marker.js';
import { readLiveParameters } from './ssm-documents.js';

export interface PushOptions {
  /** Delete providers and models that are in SSM but not in the file. @default false */
  readonly prune: boolean;
  /** Let a prune delete more than half of the documents in SSM. @default false */
  readonly force?: boolean;
}

/**
 * The share of the documents in SSM a prune may delete without `--force`: at most half. Deleting more (all of
 * them, most of them) usually means the wrong file or the wrong prefix.
 */
export const PRUNE_WITHOUT_FORCE_MAX_SHARE = 0.5;

/**
 * `push <file>`: validates, then writes only the documents that differ, printing each action.
 *
 * Order matters to a function reading mid-push: providers are written before the models that may name them,
 * and with --prune models are deleted before providers. A model never points at a provider that is not there yet.
 * A file with no providers and no models is never pushed; see {@link PRUNE_WITHOUT_FORCE_MAX_SHARE} for prunes.
 */
export async function pushCommand(file: string, target: SsmTarget, options: PushOptions, output: CommandOutput): Promise<void> {
  const { parameters } = await readValidConfigFile(file, target.prefix);
  if (parameters.size === 0) throw new CliError(`${file} has no providers and no models; push never writes an empty configuration`);
  const live = await readLiveParameters(target.client, target.prefix);
  const changes = planChanges(target.prefix, parameters, live);

  const removed = changes.filter((change) => change.status === 'removed');
  const deletes = options.prune ? [...removed].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'models' ? -1 : 1)) : [];
  if (!options.force) refuseLargePrune(file, target, deletes, live.size);

  const writes = changes.filter((change) => change.status === 'added' || change.status === 'changed');
  const tally = await applyPush(target.client, writes, deletes.map((change) => change.name), output);
  if (!options.prune) {
    for (const change of removed) output.stdout(`kept ${change.name}: not in ${file} (push --prune deletes it)\n`);
  }
  await markPushedRevision(target.client, target.prefix, changes, options.prune);
  output.stdout(summary(file, target, changes, options.prune, tally));
}

function refuseLargePrune(file: string, target: SsmTarget, deletes: readonly DocumentChange[], liveCount: number): void {
  if (deletes.length === 0 || deletes.length <= liveCount * PRUNE_WITHOUT_FORCE_MAX_SHARE) return;
  const names = deletes.map((change) => change.name).sort();
  throw new CliError(
    `refusing to delete ${deletes.length} of the ${liveCount} providers and models in ${target.label} ` +
      `(a prune may delete at most half of them without --force):\n${names.map((name) => `  - ${name}\n`).join('')}` +
      `Check ${file} and --prefix; if they are right, run the push again with --force.`,
  );
}

function summary(file: string, target: SsmTarget, changes: readonly DocumentChange[], prune: boolean, tally: PushTally): string {
  const counts = countByStatus(changes);
  if (counts.added + counts.changed + (prune ? counts.removed : 0) === 0) {
    return `Nothing to write: ${target.label} already matches ${file} (${counts.unchanged} unchanged).\n`;
  }
  const deleted = prune ? `${tally.deleted} deleted${gone(tally)}` : `${counts.removed} kept`;
  return `Pushed ${file} to ${target.label}: ${tally.created} created, ${tally.updated} updated, ${deleted}, ${counts.unchanged} unchanged.\n`;
}
