import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import {
  API_KEY,
  REGION,
  ROLE,
  USER,
  chatBody,
  send,
  sendSigned,
  signedHeaders,
  startTestSimulator,
} from './helpers.js';
import type { SignOptions } from './helpers.js';

const CHAT = '/v1/chat/completions';

describe('simulator authentication', () => {
  let sim: MantleSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  describe('SigV4', () => {
    it('accepts a request signed for its region and the bedrock-mantle service', async () => {
      const res = await sendSigned(sim, { path: CHAT, body: chatBody('hi') });
      expect(res.status).toBe(200);
      expect(res.json().choices[0].message.content).toBe('Echo: hi');
    });

    it('accepts role credentials whose session token is sent and signed', async () => {
      const res = await sendSigned(sim, { path: CHAT, body: chatBody('hi'), credentials: ROLE });
      expect(res.status).toBe(200);
    });

    it('accepts a signed request without x-amz-content-sha256 by hashing the body itself', async () => {
      const res = await sendSigned(sim, { path: CHAT, body: chatBody('hi'), omitContentHash: true });
      expect(res.status).toBe(200);
    });

    it('accepts a signed GET with a query string signed decoded', async () => {
      const res = await sendSigned(sim, { method: 'GET', path: '/v1/models', query: 'note=a%20b&x=1' });
      expect(res.status).toBe(200);
    });

    it('records the identity and region of an accepted request', async () => {
      await sendSigned(sim, { path: CHAT, body: chatBody('who am i') });
      const recorded = sim.requests.at(-1);
      expect(recorded).toMatchObject({ method: 'POST', path: CHAT, identity: USER.accessKeyId, region: REGION });
    });

    type Tamper = (headers: Record<string, string>) => { headers: Record<string, string>; body?: string };
    const rejections: Array<[string, Partial<SignOptions>, Tamper | undefined, RegExp]> = [
      ['signed for another region', { region: 'us-west-2' }, undefined, /scoped to a valid region/],
      ['signed for the bedrock service', { service: 'bedrock' }, undefined, /correct service: 'bedrock-mantle'/],
      [
        'signed by an unknown access key',
        { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } },
        undefined,
        /security token included in the request is invalid/,
      ],
      [
        'signed with the wrong secret',
        { credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: 'wrong' } },
        undefined,
        /signature we calculated does not match/,
      ],
      [
        'whose body changed after signing',
        {},
        (headers) => ({ headers, body: chatBody('tampered') }),
        /'x-amz-content-sha256' header does not match/,
      ],
      [
        'whose signed header changed after signing',
        { headers: { 'openai-project': 'proj_a' } },
        (headers) => ({ headers: { ...headers, 'openai-project': 'proj_b' } }),
        /signature we calculated does not match/,
      ],
      [
        'with role credentials but no session token',
        { credentials: ROLE },
        ({ 'x-amz-security-token': _dropped, ...headers }) => ({ headers }),
        /security token included in the request is invalid/,
      ],
      [
        'without x-amz-date',
        {},
        ({ 'x-amz-date': _dropped, ...headers }) => ({ headers }),
        /'X-Amz-Date' or a 'Date' header/,
      ],
      ['whose signature does not cover host', { unsignedHeaders: ['host'] }, undefined, /'Host' must be a 'SignedHeader'/],
    ];

    it.each(rejections)('rejects a request %s with 403', async (_name, signOptions, tamper, message) => {
      const body = chatBody('hi');
      const headers = await signedHeaders(sim, { path: CHAT, body, ...signOptions });
      const sent = tamper ? tamper(headers) : { headers };
      const res = await send(sim, { path: CHAT, headers: sent.headers, body: sent.body ?? body });
      expect(res.status).toBe(403);
      expect(res.json().error.message).toMatch(message);
    });

    it('records a request signed for another region under that region', async () => {
      await sendSigned(sim, { path: CHAT, body: chatBody('hi'), region: 'eu-west-1' });
      expect(sim.requests.at(-1)).toMatchObject({ region: 'eu-west-1', identity: USER.accessKeyId });
    });

    it('answers a bad signature on the Anthropic path in the Anthropic envelope', async () => {
      const body = JSON.stringify({ model: 'anthropic.claude-opus-4-7', max_tokens: 10, messages: [] });
      const headers = await signedHeaders(sim, {
        path: '/anthropic/v1/messages',
        body,
        region: 'eu-west-1',
        headers: { 'anthropic-version': '2023-06-01' },
      });
      const res = await send(sim, { path: '/anthropic/v1/messages', headers, body });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    });
  });

  describe('API keys', () => {
    it.each([
      ['Authorization: Bearer on an OpenAI path', CHAT, { authorization: `Bearer ${API_KEY}` }],
      ['Authorization: Bearer on the Anthropic path', '/anthropic/v1/messages/count_tokens', { authorization: `Bearer ${API_KEY}` }],
      ['x-api-key on the Anthropic path', '/anthropic/v1/messages/count_tokens', { 'x-api-key': API_KEY }],
    ])('accepts %s', async (_name, path, auth) => {
      const body = path === CHAT ? chatBody('hi') : JSON.stringify({ model: 'anthropic.claude-opus-4-7', messages: [{ role: 'user', content: 'hi' }] });
      const res = await send(sim, { path, body, headers: { ...auth, 'anthropic-version': '2023-06-01' } });
      expect(res.status).toBe(200);
      expect(sim.requests.at(-1)?.identity).toBe('bearer');
    });

    it('does not accept x-api-key on an OpenAI path', async () => {
      const res = await send(sim, { path: CHAT, body: chatBody('hi'), headers: { 'x-api-key': API_KEY } });
      expect(res.status).toBe(401);
    });

    it('rejects an unknown API key with 403', async () => {
      const res = await send(sim, { path: CHAT, body: chatBody('hi'), headers: { authorization: 'Bearer nope' } });
      expect(res.status).toBe(403);
      expect(res.json().error.code).toBe('invalid_api_key');
    });
  });

  it('answers a request without credentials with 401 and records it as anonymous', async () => {
    const res = await send(sim, { path: CHAT, body: chatBody('hi') });
    expect(res.status).toBe(401);
    expect(res.json().error.type).toBe('authentication_error');
    expect(sim.requests.at(-1)).toMatchObject({ identity: 'anonymous', region: REGION });
  });

  it('answers an unknown authorization scheme with 401', async () => {
    const res = await send(sim, { path: CHAT, body: chatBody('hi'), headers: { authorization: 'Basic dTpw' } });
    expect(res.status).toBe(401);
  });
});
