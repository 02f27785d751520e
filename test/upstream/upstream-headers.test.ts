import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { compileRouteTable } from '../../lambda/core/route-table.js';
import { buildUpstreamHeaders } from '../../lambda/upstream/upstream-headers.js';

const table = compileRouteTable(validateGatewayConfig({
  providers: [{ id: 'p', type: 'aws_bedrock', region: 'us-east-2' }],
  models: [
    { id: 'gpt', routes: [{ provider: 'p', upstream_model: 'openai.gpt-5.5', extra_headers: { 'OpenAI-Project': 'proj_route' }, compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1' } } }] },
    { id: 'claude', routes: [{ provider: 'p', upstream_model: 'anthropic.claude-opus-4-7', extra_headers: { 'anthropic-workspace': 'proj_ws' }, compatibility: { aws_bedrock: { api_style: 'mantle_anthropic_messages', anthropic_betas: ['context-1m-2025-08-07'] } } }] },
  ],
}));
const gpt = table.models.get('gpt')!.routes[0]!;
const claude = table.models.get('claude')!.routes[0]!;

const HOSTILE_CALLER = new Headers({
  authorization: 'Bearer caller-key',
  'x-api-key': 'caller-key',
  'openai-project': 'proj_caller',
  'anthropic-workspace': 'ws_caller',
  cookie: 'session=1',
  'x-amz-security-token': 'caller-token',
  'x-amz-date': '20200101T000000Z',
  'x-forwarded-for': '10.0.0.1',
  connection: 'keep-alive',
  'content-type': 'text/plain',
  accept: 'text/event-stream',
});

describe('buildUpstreamHeaders', () => {
  it('forwards only allow-listed caller headers and the route\'s extra headers on OpenAI paths', () => {
    expect(buildUpstreamHeaders(HOSTILE_CALLER, gpt, 'openai', true)).toEqual({
      accept: 'text/event-stream',
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'user-agent': 'mantle-gateway/0.1',
      'openai-project': 'proj_route',
    });
  });

  it('defaults anthropic-version and sets the route workspace on the Messages path', () => {
    const headers = buildUpstreamHeaders(HOSTILE_CALLER, claude, 'anthropic', true);
    expect(headers).toMatchObject({ 'anthropic-version': '2023-06-01', 'anthropic-workspace': 'proj_ws' });
    expect(Object.keys(headers)).not.toEqual(expect.arrayContaining(['authorization', 'x-api-key', 'cookie', 'x-amz-security-token', 'x-forwarded-for']));
  });

  it('keeps a caller\'s anthropic-version', () => {
    expect(buildUpstreamHeaders(new Headers({ 'anthropic-version': '2023-01-01' }), claude, 'anthropic', true)['anthropic-version']).toBe('2023-01-01');
  });

  it('passes only the anthropic-beta flags the route allows', () => {
    const headers = buildUpstreamHeaders(new Headers({ 'anthropic-beta': 'claude-code-20250219, context-1m-2025-08-07' }), claude, 'anthropic', true);
    expect(headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(buildUpstreamHeaders(new Headers({ 'anthropic-beta': 'claude-code-20250219' }), claude, 'anthropic', true)['anthropic-beta']).toBeUndefined();
  });

  it('sends no content-type without a body', () => {
    expect(buildUpstreamHeaders(new Headers(), gpt, 'openai', false)['content-type']).toBeUndefined();
  });
});
