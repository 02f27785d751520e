/**
 * A caller's grants applied to the route table: a model it may not use does not exist for it (the same 404 as
 * an unknown model, so names cannot be enumerated), the model list shows only what it may use, and stored
 * responses can be asked for only on upstreams it reaches through a granted model.
 */
import type { ModelGrants } from '../domain/caller.js';
import { modelListBody, type ModelEntry, type RouteTable } from './route-table.js';
import { upstreamKey } from '../attempts/response-homes.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';

/** The model if it exists and the caller may use it. */
export function grantedModel(table: RouteTable, modelId: string, grants: ModelGrants): ModelEntry | undefined {
  const entry = table.models.get(modelId);
  return entry && (grants.all || grants.allows(entry.model)) ? entry : undefined;
}

/** `GET /v1/models` for this caller: the precomputed body when it may use everything. */
export function modelListFor(table: RouteTable, grants: ModelGrants): string {
  if (grants.all) return table.modelListJson;
  const ids: string[] = [];
  const bodies: string[] = [];
  for (const [id, entry] of table.models) {
    if (!grants.allows(entry.model)) continue;
    ids.push(id);
    bodies.push(table.modelJson.get(id)!);
  }
  return modelListBody(bodies, ids[0], ids.at(-1));
}

/** The Responses upstreams a caller reaches through at least one granted model with a Responses route there. */
export function grantedResponsesUpstreams(table: RouteTable, grants: ModelGrants): readonly ResolvedRoute[] {
  if (grants.all) return table.responsesUpstreams;
  const reachable = new Set<string>();
  for (const { model, routes } of table.models.values()) {
    if (!grants.allows(model)) continue;
    for (const resolved of routes) {
      if (resolved.route.api_style === 'mantle_openai_responses') reachable.add(upstreamKey(resolved));
    }
  }
  return table.responsesUpstreams.filter((upstream) => reachable.has(upstreamKey(upstream)));
}
