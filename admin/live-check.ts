/**
 * `validate <file> --live`: beyond the file's own rules, asks Mantle (once per provider) which models it serves
 * this account in the provider's region, and reports each route whose `upstream_model` is not among them: a typo,
 * or a model the account cannot use there, found before a caller hits it.
 */
import type { GatewayConfig, Provider } from '../lambda/config/types.js';
import type { UpstreamAuthorizer } from '../lambda/upstream/authorize.js';
import { CliError } from './cli-errors.js';
import { listMantleModels } from './mantle-models.js';

export interface LiveCheckResult {
  readonly routes: number;
  readonly regions: readonly string[];
}

/** @throws CliError listing every route Mantle does not serve, as model id, route index, upstream_model and region */
export async function checkRoutesAgainstMantle(config: GatewayConfig, authorize: UpstreamAuthorizer): Promise<LiveCheckResult> {
  const used = new Map<string, Provider>();
  for (const model of config.models) {
    for (const route of model.routes) {
      const provider = config.providers.find((candidate) => candidate.id === route.provider);
      if (provider) used.set(provider.id, provider);
    }
  }
  const served = new Map<string, ReadonlySet<string>>();
  await Promise.all([...used.values()].map(async (provider) => served.set(provider.id, new Set(await listMantleModels(provider, authorize)))));

  const failures: string[] = [];
  let routes = 0;
  for (const model of config.models) {
    model.routes.forEach((route, index) => {
      routes++;
      const provider = used.get(route.provider)!;
      if (served.get(provider.id)?.has(route.upstream_model)) return;
      failures.push(`model ${JSON.stringify(model.id)} route ${index}: upstream_model ${JSON.stringify(route.upstream_model)} is not served in ${provider.region} (provider ${provider.id})`);
    });
  }
  if (failures.length > 0) {
    const count = failures.length === 1 ? '1 route names a model' : `${failures.length} routes name models`;
    throw new CliError(`${count} Mantle does not serve this account in that region:\n${failures.map((line) => `  - ${line}\n`).join('')}`.trimEnd());
  }
  return { routes, regions: [...new Set([...used.values()].map((provider) => provider.region))] };
}
