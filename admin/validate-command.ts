import { DEFAULT_SSM_PREFIX } from '../lambda/config-store/parameter-layout.js';
import type { CommandOutput } from './command-context.js';
import { readValidConfigFile } from './config-file.js';

/** `validate <file>`: the same checks and messages as `cdk synth` and the Lambda; throws on the first failure. */
export async function validateCommand(file: string, output: CommandOutput): Promise<void> {
  const { config } = await readValidConfigFile(file, DEFAULT_SSM_PREFIX);
  output.stdout(`${file} is valid: ${plural(config.providers.length, 'provider')}, ${plural(config.models.length, 'model')}.\n`);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
