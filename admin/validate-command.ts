import { DEFAULT_SSM_PREFIX } from '../lambda/config-store/parameter-layout.js';
import type { CommandOutput } from './command-context.js';
import { readValidConfigFile } from './config-file.js';
import { checkRoutesAgainstMantle } from './live-check.js';
import { adminAuthorizer } from './mantle-models.js';

/**
 * `validate <file> [--live]`: the same checks and messages as `cdk synth` and the Lambda; with `live`, also that
 * Mantle serves every route's upstream_model in its provider's region. Throws on failure.
 */
export async function validateCommand(file: string, output: CommandOutput, live = false): Promise<void> {
  const { config } = await readValidConfigFile(file, DEFAULT_SSM_PREFIX);
  output.stdout(`${file} is valid: ${plural(config.providers.length, 'provider')}, ${plural(config.models.length, 'model')}.\n`);
  if (!live) return;
  const checked = await checkRoutesAgainstMantle(config, adminAuthorizer());
  output.stdout(`Mantle serves the upstream_model of all ${plural(checked.routes, 'route')} (${checked.regions.join(', ')}).\n`);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
