export { createGateway, type Gateway, type GatewayOptions, type GatewayErrorLog } from './gateway.js';
export { refusedRequest, type GatewayRequest, type Refusal } from './gateway-request.js';
export { staticConfigSource, type ConfigSource } from './config-source.js';
export { compileRouteTable, type RouteTable } from './route-table.js';
export type { ResolvedRoute } from '../domain/resolved-route.js';
export { surfaceOf } from './endpoints.js';
export { GatewayError } from '../domain/errors.js';
export type { Invocation } from '../domain/invocation.js';
