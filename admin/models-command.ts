import type { CommandOutput } from './command-context.js';
import { adhocProvider, adminAuthorizer, listMantleModels } from './mantle-models.js';

/** `models --region R [--endpoint URL]`: the ids Mantle serves this account there, one a line, sorted. */
export async function modelsCommand(region: string, endpoint: string | undefined, output: CommandOutput): Promise<void> {
  const ids = await listMantleModels(adhocProvider(region, endpoint), adminAuthorizer());
  output.stdout(ids.sort().map((id) => `${id}\n`).join(''));
}
