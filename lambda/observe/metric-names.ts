/**
 * Names the gateway's metrics, dashboards and alarms share (no runtime dependencies, so the CDK app can import
 * them too). They are an interface: README "Metrics".
 */
export const SERVICE_NAME = 'mantle-gateway';

export const METRICS_NAMESPACE = 'MantleGateway';

export const METRIC = {
  requests: 'Requests',
  errors: 'Errors',
  throttles: 'Throttles',
  fallbacks: 'Fallbacks',
  retries: 'Retries',
  latency: 'Latency',
  timeToFirstByte: 'TimeToFirstByte',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  coldStart: 'ColdStart',
} as const;
