import type { RouteTable } from './route-table.js';
import { compileRouteTable } from './route-table.js';
import type { GatewayConfig } from '../config/types.js';

/**
 * What a request is served with: one consistent view of the configuration. The store hands out the same object
 * until something changes, so a stage may cache what it derives from it (a `WeakMap` keyed on `documents.get(kind)`,
 * whose identity changes only when that kind's documents do).
 */
export interface ConfigSnapshot {
  readonly routes: RouteTable;
  /**
   * The revision this snapshot was checked against, for the log (`configRevision`): the SSM marker's value
   * (`<prefix>/revision`), or a hash of the file's content. Undefined when the SSM prefix has no marker.
   */
  readonly revision: string | undefined;
  /**
   * Documents of the kinds that are not routes (`fail-closed` in `parameter-layout.ts`), raw: kind, then id,
   * then the parameter value. The stage that owns a kind validates it and refuses what is invalid.
   */
  readonly documents: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * Where the gateway gets its configuration. Called on every request, so implementations answer from memory while
 * it is fresh, and at most one request per TTL waits for a cheap freshness check (the SSM store), or never change
 * (a file loaded at start). Throwing a GatewayError (e.g. 503 when no usable config was ever loaded) answers the
 * request with it.
 */
export interface ConfigSource {
  snapshot(): ConfigSnapshot | Promise<ConfigSnapshot>;
}

export const NO_DOCUMENTS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map();

/** A fixed config, compiled once: local runs from a file, and tests. */
export function staticConfigSource(config: GatewayConfig, revision?: string): ConfigSource {
  const snapshot: ConfigSnapshot = { routes: compileRouteTable(config), revision, documents: NO_DOCUMENTS };
  return { snapshot: () => snapshot };
}
