import type { GatewayConfig, Model, Provider, Route } from '../config/types.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import { upstreamKey } from '../attempts/response-homes.js';

export interface ModelEntry {
  readonly model: Model;
  /** By ascending `priority`, config order among equals: the order the attempt stage tries them. */
  readonly routes: readonly ResolvedRoute[];
  /** Some route declares a `weight`: the attempt stage shuffles equal-priority routes by weight per request. */
  readonly weighted: boolean;
}

/**
 * The validated config compiled once per load into lookups, so a request costs one Map lookup and no string
 * building beyond its own path.
 */
export interface RouteTable {
  readonly models: ReadonlyMap<string, ModelEntry>;
  /**
   * Distinct Responses upstreams (endpoint, base path, project headers), in config order: where a stored
   * response may live when a request names only its id.
   */
  readonly responsesUpstreams: readonly ResolvedRoute[];
  /** `GET /v1/models` body, serialized once. */
  readonly modelListJson: string;
  readonly modelJson: ReadonlyMap<string, string>;
}

export function compileRouteTable(config: GatewayConfig): RouteTable {
  const providers = new Map(config.providers.map((provider) => [provider.id, provider]));
  const models = new Map<string, ModelEntry>();
  const responsesUpstreams = new Map<string, ResolvedRoute>();
  for (const model of config.models) {
    // Array.prototype.sort is stable: config order holds among routes of equal priority.
    const routes = model.routes.map((route) => resolveRoute(model.id, route, providers)).sort((a, b) => (a.route.priority ?? 0) - (b.route.priority ?? 0));
    models.set(model.id, { model, routes, weighted: model.routes.some((route) => route.weight !== undefined) });
    for (const resolved of routes) {
      if (resolved.route.api_style !== 'mantle_openai_responses') continue;
      const key = upstreamKey(resolved);
      if (!responsesUpstreams.has(key)) responsesUpstreams.set(key, resolved);
    }
  }
  const entries = config.models.map(modelObject);
  const modelJson = new Map(entries.map((entry) => [entry.id, JSON.stringify(entry)]));
  const modelListJson = modelListBody([...modelJson.values()], entries[0]?.id, entries.at(-1)?.id);
  return { models, responsesUpstreams: [...responsesUpstreams.values()], modelListJson, modelJson };
}

/**
 * The `GET /v1/models` body from already serialized model objects: OpenAI's list shape, with Anthropic's fields
 * too, so `anthropic.models.list()` works against the same endpoint.
 */
export function modelListBody(modelJsons: readonly string[], firstId: string | undefined, lastId: string | undefined): string {
  return `{"object":"list","data":[${modelJsons.join(',')}],"has_more":false,"first_id":${JSON.stringify(firstId ?? null)},"last_id":${JSON.stringify(lastId ?? null)}}`;
}

function resolveRoute(modelId: string, route: Route, providers: ReadonlyMap<string, Provider>): ResolvedRoute {
  const provider = providers.get(route.provider);
  if (!provider) throw new Error(`model ${modelId} names provider ${route.provider}, which the validator should have rejected`);
  const basePath = route.api_style === 'mantle_anthropic_messages' ? '/anthropic/v1' : route.openai_base_path;
  return {
    modelId,
    route,
    provider,
    baseUrl: `${provider.endpoint}${basePath}`,
    extraHeaders: Object.entries(route.extra_headers).map(([name, value]) => [name.toLowerCase(), value] as const),
  };
}

/** One model in OpenAI's list shape, with Anthropic's fields alongside. */
function modelObject(model: Model) {
  return {
    id: model.id,
    object: 'model',
    created: 0,
    owned_by: 'mantle-gateway',
    type: 'model',
    display_name: model.description ?? model.id,
    created_at: '1970-01-01T00:00:00Z',
  };
}
