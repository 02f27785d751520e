import { planChanges, countByStatus, type DocumentChange } from './change-plan.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import { readValidConfigFile } from './config-file.js';
import { deleteDocuments, putDocument, readLiveParameters } from './ssm-documents.js';

export interface PushOptions {
  /** Delete providers and models that are in SSM but not in the file. @default false */
  readonly prune: boolean;
}

/**
 * `push <file>`: validates, then writes only the documents that differ, printing each action.
 *
 * Order matters to a function reading mid-push: providers are written before the models that may name them,
 * and with --prune models are deleted before providers. A model never points at a provider that is not there yet.
 */
export async function pushCommand(file: string, target: SsmTarget, options: PushOptions, output: CommandOutput): Promise<void> {
  const { parameters } = await readValidConfigFile(file, target.prefix);
  const live = await readLiveParameters(target.client, target.prefix);
  const changes = planChanges(target.prefix, parameters, live);

  for (const change of changes) {
    if (change.status !== 'added' && change.status !== 'changed') continue;
    await putDocument(target.client, change.name, change.value!, change.live);
    output.stdout(change.status === 'added' ? `created ${change.name}\n` : `updated ${change.name}\n${fieldLines(change)}`);
  }

  const removed = changes.filter((change) => change.status === 'removed');
  if (options.prune) {
    const byModelsFirst = [...removed].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'models' ? -1 : 1));
    await deleteDocuments(target.client, byModelsFirst.map((change) => change.name));
    for (const change of byModelsFirst) output.stdout(`deleted ${change.name}\n`);
  } else {
    for (const change of removed) output.stdout(`kept ${change.name}: not in ${file} (push --prune deletes it)\n`);
  }
  output.stdout(summary(file, target, changes, options.prune));
}

function fieldLines(change: DocumentChange): string {
  return change.fields.map((field) => `    ${field}\n`).join('');
}

function summary(file: string, target: SsmTarget, changes: readonly DocumentChange[], prune: boolean): string {
  const counts = countByStatus(changes);
  if (counts.added + counts.changed + (prune ? counts.removed : 0) === 0) {
    return `Nothing to write: ${target.label} already matches ${file} (${counts.unchanged} unchanged).\n`;
  }
  const deleted = prune ? `${counts.removed} deleted` : `${counts.removed} kept`;
  return `Pushed ${file} to ${target.label}: ${counts.added} created, ${counts.changed} updated, ${deleted}, ${counts.unchanged} unchanged.\n`;
}
