import type { RouteTable } from './route-table.js';
import { compileRouteTable } from './route-table.js';
import type { GatewayConfig } from '../config/types.js';

/**
 * Where the gateway gets its routes. Called on every request, so implementations answer from memory and refresh
 * in the background (the SSM store) or never change (a file loaded at start).
 * Throwing a GatewayError (e.g. 503 when no usable config was ever loaded) answers the request with it.
 */
export interface ConfigSource {
  routeTable(): RouteTable | Promise<RouteTable>;
}

/** A fixed config, compiled once: local runs from a file, and tests. */
export function staticConfigSource(config: GatewayConfig): ConfigSource {
  const table = compileRouteTable(config);
  return { routeTable: () => table };
}
