import { GatewayError, UnknownModelError } from '../domain/errors.js';
import { INFERENCE_ENDPOINTS, type InferenceOperation } from './endpoints.js';
import type { FeatureName } from './request-features.js';
import type { RouteTable } from './route-table.js';
import type { ModelGrants } from '../domain/caller.js';
import { grantedModel } from './granted-models.js';
import type { ResolvedRoute } from '../domain/resolved-route.js';
import { isBridged } from '../compat/route-compatibility.js';

export interface Candidates {
  /** Never empty. */
  readonly routes: readonly ResolvedRoute[];
  readonly weighted: boolean;
}

const FEATURE_WORDING: Record<FeatureName, string> = {
  stream: 'streaming (stream: true)',
  tools: 'tools',
  vision: 'image inputs',
  json_schema: 'JSON schema output',
};

/**
 * The routes of a model that serve the operation and every feature the request uses, in the order the attempt
 * stage tries them (priority, then config order), and whether their order is to be drawn by weight.
 *
 * @throws UnknownModelError (404) for a model the gateway does not have, or the caller's grants do not include.
 * @throws GatewayError 400 naming the endpoints the model does serve, or the capability no route has.
 */
export function resolveRoutes(
  table: RouteTable,
  modelId: string,
  operation: InferenceOperation,
  features: readonly FeatureName[],
  grants: ModelGrants,
): Candidates {
  const entry = grantedModel(table, modelId, grants);
  if (!entry) throw new UnknownModelError(modelId);
  const endpoint = INFERENCE_ENDPOINTS[operation];
  const serving = entry.routes.filter((candidate) => candidate.route.capabilities[endpoint.capability]);
  if (serving.length === 0) {
    throw new GatewayError(400, 'unsupported_endpoint', `The model ${JSON.stringify(modelId)} is not available on ${endpoint.path}; it supports ${supportedEndpoints(entry.routes)}.`, {
      code: 'unsupported_endpoint',
      param: 'model',
    });
  }
  const routes = serving.filter((candidate) => features.every((feature) => candidate.route.capabilities[feature]));
  if (routes.length > 0) return { routes, weighted: entry.weighted };
  const missing = features.find((feature) => serving.every((candidate) => !candidate.route.capabilities[feature])) ?? features[0]!;
  throw new GatewayError(400, 'capability_not_supported', `The model ${JSON.stringify(modelId)} does not support ${FEATURE_WORDING[missing]} on ${endpoint.path}.`, {
    code: 'unsupported_capability',
    ...(missing === 'stream' || missing === 'tools' ? { param: missing } : {}),
  });
}

function supportedEndpoints(routes: readonly ResolvedRoute[]): string {
  const paths = new Set<string>();
  for (const { route } of routes) {
    for (const { capability, path } of Object.values(INFERENCE_ENDPOINTS)) {
      if (!route.capabilities[capability]) continue;
      paths.add(capability === 'chat_completions' && isBridged(route) ? `${path} (bridged to the Responses API)` : path);
    }
  }
  return [...paths].join(', ') || 'no endpoint';
}
