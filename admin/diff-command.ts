import { planChanges, formatPlan } from './change-plan.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import { readValidConfigFile } from './config-file.js';
import { readLiveParameters } from './ssm-documents.js';

/** `diff <file>`: the providers and models a push would add, change or (with --prune) remove. Writes nothing. */
export async function diffCommand(file: string, target: SsmTarget, output: CommandOutput): Promise<void> {
  const { parameters } = await readValidConfigFile(file, target.prefix);
  const live = await readLiveParameters(target.client, target.prefix);
  const changes = planChanges(target.prefix, parameters, live);
  output.stdout(`Comparing ${file} with ${target.label}\n\n${formatPlan(changes)}`);
}
