/**
 * Carries out a push, one SSM call at a time, printing each write and delete as SSM confirms it. A push is many
 * calls and any of them can fail after others succeeded; then the admin gets, besides what was already printed,
 * the call that failed and everything left undone, and exit code 3 says SSM holds part of the change.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DocumentChange } from './change-plan.js';
import { CliError, explainError } from './cli-errors.js';
import type { CommandOutput } from './command-context.js';
import { DELETE_BATCH_SIZE, deleteBatch, putDocument } from './ssm-documents.js';

/** The exit code of a push that changed part of SSM and then failed. */
export const PARTIAL_PUSH_EXIT_CODE = 3;

export interface PushTally {
  created: number;
  updated: number;
  deleted: number;
  /** Names SSM no longer had when the push deleted them. */
  alreadyGone: number;
}

/** A push that stopped at a failed call; its message is the whole report (the completed steps were printed). */
export class PushStoppedError extends CliError {
  constructor(message: string, partial: boolean) {
    super(message, false, partial ? PARTIAL_PUSH_EXIT_CODE : 1);
    this.name = 'PushStoppedError';
  }
}

interface Step {
  readonly action: 'write' | 'delete';
  readonly name: string;
}

/**
 * @param writes `added` and `changed` documents, in the order to write them
 * @param deletes parameter names, in the order to delete them
 * @throws PushStoppedError at the first failed call; nothing after it is attempted
 */
export async function applyPush(
  client: SSMClient,
  writes: readonly DocumentChange[],
  deletes: readonly string[],
  output: CommandOutput,
): Promise<PushTally> {
  const tally: PushTally = { created: 0, updated: 0, deleted: 0, alreadyGone: 0 };
  const steps: Step[] = [...writes.map((change) => ({ action: 'write' as const, name: change.name })), ...deletes.map((name) => ({ action: 'delete' as const, name }))];
  let done = 0;
  try {
    for (const change of writes) {
      await putDocument(client, change.name, change.value!, change.live);
      done += 1;
      if (change.status === 'added') tally.created += 1;
      else tally.updated += 1;
      output.stdout(change.status === 'added' ? `created ${change.name}\n` : `updated ${change.name}\n${fieldLines(change)}`);
    }
    for (let start = 0; start < deletes.length; start += DELETE_BATCH_SIZE) {
      const batch = await deleteBatch(client, deletes.slice(start, start + DELETE_BATCH_SIZE));
      done += Math.min(DELETE_BATCH_SIZE, deletes.length - start);
      tally.deleted += batch.deleted.length;
      tally.alreadyGone += batch.missing.length;
      for (const name of batch.deleted) output.stdout(`deleted ${name}\n`);
      for (const name of batch.missing) output.stdout(`already gone ${name}: SSM no longer had it\n`);
    }
  } catch (error) {
    throw stopped(error, tally, steps, done);
  }
  return tally;
}

function stopped(error: unknown, tally: PushTally, steps: readonly Step[], done: number): PushStoppedError {
  const first = steps[done]!;
  // Writes go one per call; deletes go in batches, and every step after the writes is a delete.
  const failedCall = first.action === 'write' ? [first] : steps.slice(done, done + DELETE_BATCH_SIZE);
  const partial = done > 0;
  const lines = [
    `push stopped${partial ? ' partway' : ''}: ${first.action === 'write' ? 'writing' : 'deleting'} ${failedCall.map((step) => step.name).join(', ')} failed: ${explainError(error)}`,
    partial
      ? `Done before the failure (listed above): ${tally.created} created, ${tally.updated} updated, ${tally.deleted} deleted${gone(tally)}.`
      : 'Nothing was changed in SSM.',
    'Not done:',
    ...steps.slice(done).map((step, index) => `  ${step.action} ${step.name}${index < failedCall.length ? (failedCall.length === 1 ? ' (the call that failed)' : ' (in the call that failed)') : ''}`),
  ];
  if (partial) lines.push('SSM now holds part of the change: run diff to see what is left, then push again.');
  return new PushStoppedError(lines.join('\n'), partial);
}

/** `, 1 already gone` when SSM reported names as missing; nothing otherwise. */
export function gone(tally: PushTally): string {
  return tally.alreadyGone > 0 ? `, ${tally.alreadyGone} already gone` : '';
}

function fieldLines(change: DocumentChange): string {
  return change.fields.map((field) => `    ${field}\n`).join('');
}
