import { toResponse } from '../support/answers.js';
import { loadConfigFile } from '../../lambda/config/load-config-file.js';
import type { GatewayConfig } from '../../lambda/config/types.js';
import { createGateway, GatewayError, staticConfigSource, type ConfigSource, type Gateway, type Invocation } from '../../lambda/core/index.js';
import { createUpstreamAuthorizer } from '../../lambda/upstream/authorize.js';
import { MantleSigner } from '../../lambda/upstream/sigv4.js';

/**
 * Gateway-made 5xx answers tell callers that something failed and under which request id, never how: SSM
 * prefixes, SDK error names and `ssm:/path` token names go to the error log, keyed by the same request id.
 */
interface Logged {
  readonly message: string;
  readonly details: Record<string, unknown>;
}

const REQUEST_ID = '3f1c9a52-7d4e-4b8a-9c1f-0e2d5b6a7c8d';
const invocation = { requestId: REQUEST_ID, receivedAt: 0 };

let config: GatewayConfig;
beforeAll(async () => {
  config = await loadConfigFile('config/gateway.yaml');
});

function gatewayWith(source: ConfigSource, logged: Logged[]): (request: Request, invocation?: Invocation) => Promise<Response> {
  const signer = new MantleSigner(async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' }));
  const gateway: Gateway = createGateway({
    config: source,
    authorize: createUpstreamAuthorizer(signer, async () => undefined),
    fetch: async () => {
      throw new Error('no upstream call expected');
    },
    log: { error: (message, details) => logged.push({ message, details }) },
  });
  return (request, invocation) => toResponse(gateway(request, invocation));
}

function withSsmToken(base: GatewayConfig): GatewayConfig {
  return { ...base, providers: base.providers.map((provider) => ({ ...provider, auth: { mode: 'bearer', token: { source: 'ssm', name: '/mantle-gateway/keys/bedrock-prod' } } })) };
}

/** What the SSM store throws before it ever loaded a configuration. */
const unavailable: ConfigSource = {
  snapshot: () => {
    throw new GatewayError(503, 'config_unavailable', 'The gateway has no usable route configuration yet: reading SSM failed (AccessDeniedException) (SSM prefix /mantle-gateway-secret-stage).', { code: 'config_unavailable' });
  },
};

const chat = (path = '/v1/chat/completions', model = 'gpt-oss-120b'): Request =>
  new Request(`http://gateway.test${path}`, { method: 'POST', body: JSON.stringify({ model, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }) });

describe('gateway-made server errors', () => {
  it('answers a missing ssm: bearer token with a generic 500 and the request id; the log names the token', async () => {
    const logged: Logged[] = [];
    const response = await gatewayWith(staticConfigSource(withSsmToken(config)), logged)(chat(), invocation);
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: { message: string; type: string; code: string } };
    expect(error).toMatchObject({ type: 'server_error', code: 'provider_misconfigured' });
    expect(error.message).toContain(REQUEST_ID);
    expect(error.message).not.toMatch(/ssm:|\/mantle-gateway|bedrock-prod|API key/);
    expect(logged).toEqual([{ message: expect.stringContaining('ssm:/mantle-gateway/keys/bedrock-prod'), details: expect.objectContaining({ requestId: REQUEST_ID, status: 500, code: 'provider_misconfigured' }) }]);
  });

  it('answers a configuration outage with a generic 503 and the request id; the log has the prefix and the SDK error', async () => {
    const logged: Logged[] = [];
    const response = await gatewayWith(unavailable, logged)(new Request('http://gateway.test/v1/models'), invocation);
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as { error: { message: string; code: string } };
    expect(error.code).toBe('config_unavailable');
    expect(error.message).toContain(REQUEST_ID);
    expect(error.message).not.toMatch(/SSM|AccessDenied|mantle-gateway/);
    expect(logged[0]).toEqual({ message: expect.stringContaining('AccessDeniedException'), details: expect.objectContaining({ requestId: REQUEST_ID, status: 503 }) });
    expect(logged[0]!.message).toContain('/mantle-gateway-secret-stage');
  });

  it('puts the invocation\'s request id in the Anthropic envelope', async () => {
    const response = await gatewayWith(unavailable, [])(chat('/v1/messages', 'claude-opus-4-7'), invocation);
    const body = (await response.json()) as { type: string; request_id: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', request_id: REQUEST_ID, error: { type: 'overloaded_error' } });
    expect(body.error.message).not.toContain('SSM');
  });

  it('keeps a caller mistake\'s message as it is and logs nothing', async () => {
    const logged: Logged[] = [];
    const response = await gatewayWith(staticConfigSource(config), logged)(chat('/v1/chat/completions', 'no-such-model'), invocation);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('"no-such-model" does not exist');
    expect(logged).toEqual([]);
  });
});
