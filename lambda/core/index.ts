export { createGateway, type Gateway, type GatewayOptions, type GatewayErrorLog } from './gateway.js';
export { staticConfigSource, type ConfigSource } from './config-source.js';
export { compileRouteTable, type RouteTable, type ResolvedRoute } from './route-table.js';
export { surfaceOf } from './endpoints.js';
export { GatewayError } from './errors.js';
