/**
 * Model grants: a list of model ids, `tag:<tag>` (any model whose `tags` include it) and `*` (every model).
 * Compiled once per document load into sets, so a check is two Set lookups per tag at most.
 */
import type { GrantableModel, ModelGrants } from '../domain/caller.js';

export const ALL_MODELS: ModelGrants = { all: true, allows: () => true };
export const NO_MODELS: ModelGrants = { all: false, allows: () => false };

/** A grant as written: `*`, `tag:<tag>` or a model id (the model id alphabet, or a tag after `tag:`). */
export const GRANT_PATTERN = /^(\*|tag:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;
export const GRANT_HINT = 'use a model id, tag:<tag> or *';

export function compileGrants(grants: readonly string[]): ModelGrants {
  if (grants.includes('*')) return ALL_MODELS;
  const models = new Set<string>();
  const tags = new Set<string>();
  for (const grant of grants) {
    if (grant.startsWith('tag:')) tags.add(grant.slice('tag:'.length));
    else models.add(grant);
  }
  if (models.size === 0 && tags.size === 0) return NO_MODELS;
  return {
    all: false,
    allows: (model: GrantableModel) => models.has(model.id) || (model.tags?.some((tag) => tags.has(tag)) ?? false),
  };
}

/** A caller matched by several principal documents may use what any of them grants. */
export function unionGrants(grants: readonly ModelGrants[]): ModelGrants {
  if (grants.some((grant) => grant.all)) return ALL_MODELS;
  const granting = grants.filter((grant) => grant !== NO_MODELS);
  if (granting.length === 0) return NO_MODELS;
  if (granting.length === 1) return granting[0]!;
  return { all: false, allows: (model) => granting.some((grant) => grant.allows(model)) };
}
