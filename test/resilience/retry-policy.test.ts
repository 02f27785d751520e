import { allRoutesFailed } from '../../lambda/attempts/all-routes-failed.js';
import { backoffMs, verdictForStatus } from '../../lambda/attempts/retry-policy.js';
import { orderRoutes } from '../../lambda/attempts/route-order.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { compileRouteTable } from '../../lambda/core/route-table.js';
import { resilienceFromEnvironment } from '../../lambda/resilience-environment.js';

describe('retry policy', () => {
  it.each([
    [200, 'success'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [404, 'next_route'],
    [403, 'next_route'],
    [400, 'final'],
    [401, 'final'],
    [413, 'final'],
    [422, 'final'],
    [501, 'final'],
  ])('treats %i as %s', (status, verdict) => {
    expect(verdictForStatus(status)).toBe(verdict);
  });

  it('draws each backoff uniformly below base * 2^n (full jitter)', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 100, () => 0.999))).toEqual([99, 199, 399, 799]);
    expect(backoffMs(5, 100, () => 0)).toBe(0);
  });

  it.each([
    [['rate_limited', 'rate_limited'], [429, 429], 429],
    [['upstream_timeout'], [undefined], 504],
    [['upstream_error', 'rate_limited'], [503, 429], 503],
    [['upstream_unreachable', 'upstream_error'], [undefined, 500], 502],
  ] as const)('summarizes failures %j as one %i', (failures, statuses, status) => {
    const attempts = statuses.map((code) => (code ? { region: 'us-east-2', ms: 1, status: code } : { region: 'us-east-2', ms: 1, error: 'upstream_timeout' as const }));
    const error = allRoutesFailed('m', attempts, failures);
    expect(error.status).toBe(status);
    expect(error.message).toContain('us-east-2:');
  });
});

describe('route order', () => {
  const style = { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } };
  const table = compileRouteTable(validateGatewayConfig({
    providers: ['a', 'b', 'c'].map((id) => ({ id, type: 'aws_bedrock', region: 'us-east-2' })),
    models: [{
      id: 'm',
      routes: [
        { provider: 'a', upstream_model: 'qwen.qwen3-32b', weight: 3, compatibility: style },
        { provider: 'b', upstream_model: 'qwen.qwen3-32b', weight: 1, compatibility: style },
        { provider: 'c', upstream_model: 'qwen.qwen3-32b', priority: 5, compatibility: style },
      ],
    }],
  }));
  const entry = table.models.get('m')!;

  it('keeps the admin\'s order when no route has a weight', () => {
    expect(orderRoutes(entry.routes, false, Math.random)).toBe(entry.routes);
  });

  it('puts a route first in proportion to its weight, keeping lower priorities last', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const firsts = { a: 0, b: 0 };
    for (let run = 0; run < 4000; run += 1) {
      const order = orderRoutes(entry.routes, true, random).map((route) => route.provider.id);
      expect(order).toHaveLength(3);
      expect(order[2]).toBe('c');
      firsts[order[0] as 'a' | 'b'] += 1;
    }
    expect(firsts.a / 4000).toBeGreaterThan(0.7);
    expect(firsts.a / 4000).toBeLessThan(0.8);
  });
});

describe('resilience settings from the environment', () => {
  it('reads each variable, in the unit it names', () => {
    expect(resilienceFromEnvironment({
      GATEWAY_RETRY_ATTEMPTS_PER_ROUTE: '5',
      GATEWAY_RETRY_BASE_DELAY_MS: '100',
      GATEWAY_RETRY_BUDGET_SECONDS: '12',
      GATEWAY_ROUTE_COOLDOWN_SECONDS: '0',
      GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '45',
    })).toEqual({ retry: { attemptsPerRoute: 5, baseDelayMs: 100, budgetMs: 12_000, cooldownMs: 0 }, streamIdleTimeoutMs: 45_000 });
  });

  it('keeps the defaults for missing or malformed values', () => {
    expect(resilienceFromEnvironment({ GATEWAY_RETRY_ATTEMPTS_PER_ROUTE: '0', GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: 'soon' })).toEqual({ retry: {} });
  });
});

describe('route resilience fields in the config', () => {
  const route = (extra: object) => ({
    providers: [{ id: 'a', type: 'aws_bedrock', region: 'us-east-2' }],
    models: [{ id: 'm', routes: [{ provider: 'a', upstream_model: 'qwen.qwen3-32b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } }, ...extra }] }],
  });

  it('accepts priority, weight, max_attempts and stream_idle_timeout_seconds', () => {
    const config = validateGatewayConfig(route({ priority: 1, weight: 2, max_attempts: 4, stream_idle_timeout_seconds: 30 }));
    expect(config.models[0]!.routes[0]).toMatchObject({ priority: 1, weight: 2, max_attempts: 4, stream_idle_timeout_seconds: 30 });
  });

  it.each([
    [{ max_attempts: 0 }, 'model "m" route 0: max_attempts must be between 1 and 10'],
    [{ weight: 1.5 }, 'model "m" route 0: weight must be between 1 and 1000'],
    [{ stream_idle_timeout_seconds: '60' }, 'model "m" route 0: stream_idle_timeout_seconds must be between 1 and 900'],
  ])('rejects %j naming the model, route and field', (extra, message) => {
    expect(() => validateGatewayConfig(route(extra))).toThrow(message);
  });
});
