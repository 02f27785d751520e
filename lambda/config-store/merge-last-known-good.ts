/**
 * Merges a fresh read of the SSM parameters into the last-known-good route configuration, one parameter at a
 * time: a provider or model whose new value fails to parse or validate keeps its previous version, everything
 * else updates, and a deleted parameter removes its provider or model. Pure (no I/O, no clock), so the rules are
 * tested on their own; `ssm-config-source.ts` owns the reading, the timing and the logging.
 */
import { validateModel } from '../config/validate-model.js';
import { validateProvider, type Validated } from '../config/validate-provider.js';
import type { GatewayConfig, Model, Provider } from '../config/types.js';
import { parseParameterName, type DocumentKind } from './parameter-layout.js';

/** A document in service, with the raw parameter value it came from (to tell an edit from a re-read). */
export interface KnownDocument<T> {
  readonly raw: string;
  readonly value: T;
}

export interface KnownGoodConfig {
  readonly providers: ReadonlyMap<string, KnownDocument<Provider>>;
  readonly models: ReadonlyMap<string, KnownDocument<Model>>;
}

export const EMPTY_KNOWN_GOOD: KnownGoodConfig = { providers: new Map(), models: new Map() };

/** A parameter whose current value is not in service. */
export interface RejectedParameter {
  /** The full parameter name, e.g. `/mantle-gateway/models/gpt-55-bedrock`. */
  readonly name: string;
  readonly kind: DocumentKind;
  readonly id: string;
  readonly raw: string;
  /** The validator's messages (or the JSON syntax error), each naming where the problem is. */
  readonly reasons: readonly string[];
  /** `previous`: the last-known-good version stays in service; `none`: the provider or model is unavailable. */
  readonly serving: 'previous' | 'none';
}

export interface MergeResult {
  readonly config: KnownGoodConfig;
  readonly rejected: readonly RejectedParameter[];
  /** False when every provider and model in service is the one that was before: no need to recompile. */
  readonly changed: boolean;
}

/**
 * @param previous what is in service now ({@link EMPTY_KNOWN_GOOD} on a cold start)
 * @param fetched every parameter under the prefix, full name to value; names outside the layout are ignored
 *   (the prefix may hold other things, such as a SecureString API key)
 *
 * @example
 * const { config, rejected } = mergeLastKnownGood(EMPTY_KNOWN_GOOD, new Map([['/mantle-gateway/models/m', json]]), '/mantle-gateway');
 */
export function mergeLastKnownGood(previous: KnownGoodConfig, fetched: ReadonlyMap<string, string>, prefix: string): MergeResult {
  const documents = byKind(fetched, prefix);
  const rejected: RejectedParameter[] = [];

  const providers = new Map<string, KnownDocument<Provider>>();
  for (const { name, id, raw } of documents.providers) {
    const before = previous.providers.get(id);
    if (before?.raw === raw) {
      providers.set(id, before);
      continue;
    }
    const result = validateDocument(raw, id, 'provider', (doc) => validateProvider(doc));
    if (result.ok) providers.set(id, { raw, value: result.value });
    else {
      if (before) providers.set(id, before);
      rejected.push({ name, kind: 'providers', id, raw, reasons: result.issues, serving: before ? 'previous' : 'none' });
    }
  }

  const providerIds = new Set(providers.keys());
  const models = new Map<string, KnownDocument<Model>>();
  for (const { name, id, raw } of documents.models) {
    const before = previous.models.get(id);
    if (before?.raw === raw && usesOnly(before.value, providerIds)) {
      models.set(id, before);
      continue;
    }
    const result = validateDocument(raw, id, 'model', (doc) => validateModel(doc, providerIds));
    if (result.ok) models.set(id, { raw, value: result.value });
    else {
      // The previous version can stand in only if the providers it routes to are still in service.
      const fallback = before && usesOnly(before.value, providerIds) ? before : undefined;
      if (fallback) models.set(id, fallback);
      rejected.push({ name, kind: 'models', id, raw, reasons: result.issues, serving: fallback ? 'previous' : 'none' });
    }
  }

  const config = { providers, models };
  return { config, rejected, changed: !sameDocuments(previous.providers, providers) || !sameDocuments(previous.models, models) };
}

/** The configuration in service, providers and models ordered by id (SSM has no order of its own). */
export function toGatewayConfig(known: KnownGoodConfig): GatewayConfig {
  return {
    providers: sortedById(known.providers),
    models: sortedById(known.models),
  };
}

interface FetchedDocument {
  readonly name: string;
  readonly id: string;
  readonly raw: string;
}

function byKind(fetched: ReadonlyMap<string, string>, prefix: string): Record<DocumentKind, FetchedDocument[]> {
  const documents: Record<DocumentKind, FetchedDocument[]> = { providers: [], models: [] };
  for (const [name, raw] of fetched) {
    const parsed = parseParameterName(prefix, name);
    if (parsed) documents[parsed.kind].push({ name, id: parsed.id, raw });
  }
  return documents;
}

function validateDocument<T extends { id: string }>(
  raw: string,
  id: string,
  label: string,
  validate: (doc: unknown) => Validated<T>,
): Validated<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [`${label} ${JSON.stringify(id)}: the parameter value is not valid JSON (${reason})`] };
  }
  const result = validate(doc);
  if (result.ok && result.value.id !== id) {
    return {
      ok: false,
      issues: [`${label} ${JSON.stringify(id)}: the document's id ${JSON.stringify(result.value.id)} does not match the parameter name`],
    };
  }
  return result;
}

function usesOnly(model: Model, providerIds: ReadonlySet<string>): boolean {
  return model.routes.every((route) => providerIds.has(route.provider));
}

function sameDocuments<T>(a: ReadonlyMap<string, KnownDocument<T>>, b: ReadonlyMap<string, KnownDocument<T>>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, document] of a) {
    if (b.get(id)?.raw !== document.raw) return false;
  }
  return true;
}

function sortedById<T>(documents: ReadonlyMap<string, KnownDocument<T>>): T[] {
  return [...documents.keys()].sort().map((id) => documents.get(id)!.value);
}
