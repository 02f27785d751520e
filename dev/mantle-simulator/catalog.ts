/**
 * The models the simulator serves and the route rule Mantle applies to them: a model is served on a fixed set
 * of surfaces and base paths, and anything else is rejected even though the model exists.
 */
import { modelNotFound, routeNotSupported } from './errors.js';
import type { Envelope } from './errors.js';
import type { OpenAIBasePath, SimulatedModel, Surface } from './types.js';

/**
 * A small catalog mirroring Mantle's real split: GPT-5.5 is Responses-only under `/openai/v1`, gpt-oss serves
 * chat and responses under `/v1`, Claude only the Anthropic Messages API, other families chat under `/v1`.
 */
export const DEFAULT_MODELS: SimulatedModel[] = [
  { id: 'openai.gpt-5.5', surfaces: ['responses'], openaiBasePaths: ['/openai/v1'] },
  { id: 'openai.gpt-oss-120b', surfaces: ['chat', 'responses'], openaiBasePaths: ['/v1'] },
  { id: 'openai.gpt-oss-20b', surfaces: ['chat', 'responses'], openaiBasePaths: ['/v1'] },
  { id: 'anthropic.claude-opus-4-7', surfaces: ['messages'], openaiBasePaths: [], thinking: 'adaptive_only' },
  { id: 'anthropic.claude-sonnet-4-6', surfaces: ['messages'], openaiBasePaths: [] },
  { id: 'qwen.qwen3-32b', surfaces: ['chat'], openaiBasePaths: ['/v1'] },
  { id: 'mistral.mistral-large-3-675b-instruct', surfaces: ['chat'], openaiBasePaths: ['/v1'] },
];

/** Where a request arrived: a surface, plus the OpenAI base path for chat and responses. */
export interface RouteSurface {
  surface: Surface;
  basePath?: OpenAIBasePath;
}

export type ModelCheck = { kind: 'ok'; model: SimulatedModel } | { kind: 'unknown' } | { kind: 'wrong-route' };

/** Fixed so that `GET /v1/models` is byte-for-byte deterministic across runs. */
const LISTED_CREATED_AT = 1_767_225_600;

export class ModelCatalog {
  readonly #byId: Map<string, SimulatedModel>;

  constructor(models: readonly SimulatedModel[]) {
    this.#byId = new Map(models.map((model) => [model.id, model]));
  }

  /** Decides whether `modelId` may be served where the request arrived. */
  check(modelId: string, where: RouteSurface): ModelCheck {
    const model = this.#byId.get(modelId);
    if (!model) return { kind: 'unknown' };
    if (!model.surfaces.includes(where.surface)) return { kind: 'wrong-route' };
    if (where.surface !== 'messages' && (!where.basePath || !model.openaiBasePaths.includes(where.basePath))) {
      return { kind: 'wrong-route' };
    }
    return { kind: 'ok', model };
  }

  /**
   * Mantle's `GET /v1/models`: every model, whatever its surface. Like the real list it says nothing about
   * which route serves a model, which is why routes must declare their api style.
   */
  list(): object {
    return {
      object: 'list',
      data: [...this.#byId.values()].map((model) => ({
        id: model.id,
        object: 'model',
        created: LISTED_CREATED_AT,
        owned_by: model.id.split('.')[0] ?? 'system',
      })),
    };
  }
}

/**
 * Returns the model if it may be served here, else throws Mantle's answer: 404 for a model it does not know,
 * 400 "isn't supported on this route" for a known model on another surface or base path.
 */
export function requireServable(
  catalog: ModelCatalog,
  modelId: string,
  where: RouteSurface,
  envelope: Envelope,
): SimulatedModel {
  const check = catalog.check(modelId, where);
  if (check.kind === 'unknown') throw modelNotFound(envelope, modelId);
  if (check.kind === 'wrong-route') throw routeNotSupported(modelId);
  return check.model;
}
