import { createAuthenticator } from '../../lambda/auth/authenticate.js';
import { staticCallerSource } from '../../lambda/auth/caller-directory.js';
import { AuthenticationError } from '../../lambda/domain/errors.js';
import { keyWithDocument } from './fixtures.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const good = keyWithDocument({ grants: ['gpt-oss-120b', 'tag:anthropic'] });
const revoked = keyWithDocument({ disabled: true });
const expired = keyWithDocument({ expires_at: '2026-12-01T12:00:00Z' });
const future = keyWithDocument({ expires_at: '2026-12-01T12:00:01Z' });
const callers = staticCallerSource({ keys: [good.document, revoked.document, expired.document, future.document], principals: [] });
const authenticate = createAuthenticator({ mode: 'api_key', callers, now: () => NOW });

function request(headers: Record<string, string>): Request {
  return new Request('http://gateway.test/v1/models', { headers });
}

async function failure(headers: Record<string, string>): Promise<AuthenticationError> {
  const error = await Promise.resolve()
    .then(() => authenticate(request(headers)))
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

describe('authenticate, api_key mode', () => {
  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${good.key.key}` }],
    ['x-api-key', { 'x-api-key': good.key.key }],
    ['both, with the same key', { authorization: `bearer ${good.key.key}`, 'x-api-key': good.key.key }],
  ])('accepts a good key sent as %s, identifying the caller by key id', async (_, headers) => {
    const { caller, grants } = await authenticate(request(headers));
    expect(caller).toEqual({ type: 'key', id: good.key.keyId });
    expect(grants.allows({ id: 'gpt-oss-120b' })).toBe(true);
    expect(grants.allows({ id: 'claude-opus-4-7', tags: ['anthropic'] })).toBe(true);
    expect(grants.allows({ id: 'gpt-55-bedrock', tags: ['openai'] })).toBe(false);
  });

  it('accepts a key until the instant it expires', async () => {
    expect((await authenticate(request({ 'x-api-key': future.key.key }))).caller).toEqual({ type: 'key', id: future.key.keyId });
    expect((await failure({ 'x-api-key': expired.key.key })).message).toBe(`API key ${expired.key.keyId} has expired.`);
  });

  it.each([
    ['no key', {}, /^Missing API key/],
    ['a malformed key', { authorization: 'Bearer sk-not-a-gateway-key' }, /^Invalid API key/],
    ['an unknown key id', { authorization: `Bearer mgw_ffffffffffffffff_${good.key.secret}` }, /^Invalid API key/],
    ['a wrong secret', { authorization: `Bearer mgw_${good.key.keyId}_${'0'.repeat(64)}` }, /^Invalid API key/],
    ['two different keys', { authorization: `Bearer ${good.key.key}`, 'x-api-key': revoked.key.key }, /different keys/],
    ['a non-Bearer Authorization', { authorization: `Basic ${good.key.key}` }, /Bearer scheme/],
  ])('refuses %s with 401 and never repeats what was sent', async (_, headers, message) => {
    const error = await failure(headers as Record<string, string>);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(good.key.secret);
  });

  it('says a revoked key is revoked only to a caller who holds its secret', async () => {
    expect((await failure({ 'x-api-key': revoked.key.key })).message).toBe(`API key ${revoked.key.keyId} has been revoked.`);
    expect((await failure({ 'x-api-key': `mgw_${revoked.key.keyId}_${'1'.repeat(64)}` })).message).toMatch(/^Invalid API key/);
  });
});

describe('authenticate, iam mode', () => {
  const principals = staticCallerSource({
    keys: [],
    principals: [
      { name: 'search', arns: ['arn:aws:iam::111122223333:role/search-*'], grants: ['gpt-oss-120b'] },
      { name: 'ops', arns: ['arn:aws:iam::111122223333:user/alice', 'arn:aws:sts::444455556666:assumed-role/Ops/*'], grants: ['tag:anthropic'] },
    ],
  });
  const iam = createAuthenticator({ mode: 'iam', callers: principals });
  const as = (arn?: string) => iam(new Request('http://gateway.test/v1/models'), { requestId: 'r', receivedAt: 0, ...(arn ? { iamCallerArn: arn } : {}) });

  it('matches an assumed-role session against the role ARN it stands for', async () => {
    const { caller, grants } = await as('arn:aws:sts::111122223333:assumed-role/search-indexer/i-0abc');
    expect(caller).toEqual({ type: 'iam', arn: 'arn:aws:sts::111122223333:assumed-role/search-indexer/i-0abc' });
    expect(grants.allows({ id: 'gpt-oss-120b' })).toBe(true);
    expect(grants.allows({ id: 'claude-opus-4-7', tags: ['anthropic'] })).toBe(false);
  });

  it('matches session patterns and exact user ARNs, and unions the grants of every match', async () => {
    expect((await as('arn:aws:sts::444455556666:assumed-role/Ops/bob')).grants.allows({ id: 'claude', tags: ['anthropic'] })).toBe(true);
    expect((await as('arn:aws:iam::111122223333:user/alice')).grants.allows({ id: 'claude', tags: ['anthropic'] })).toBe(true);
    expect((await as('arn:aws:iam::111122223333:user/alicea')).grants.allows({ id: 'claude', tags: ['anthropic'] })).toBe(false);
  });

  it('gives a caller no principal matches no model', async () => {
    const { grants } = await as('arn:aws:iam::999999999999:role/other');
    expect(grants.all).toBe(false);
    expect(grants.allows({ id: 'gpt-oss-120b' })).toBe(false);
  });

  it('gives every verified caller every model when no principal document exists', async () => {
    const open = createAuthenticator({ mode: 'iam', callers: staticCallerSource({ keys: [], principals: [] }) });
    expect((await open(new Request('http://x/'), { requestId: 'r', receivedAt: 0, iamCallerArn: 'arn:aws:iam::1:user/x' })).grants.all).toBe(true);
  });

  it('keeps the gateway closed when the only principal documents were refused', async () => {
    const closed = createAuthenticator({ mode: 'iam', callers: staticCallerSource({ keys: [], principals: [], refusedPrincipals: 1 }) });
    expect((await closed(new Request('http://x/'), { requestId: 'r', receivedAt: 0, iamCallerArn: 'arn:aws:iam::1:user/x' })).grants.allows({ id: 'm' })).toBe(false);
  });

  it('refuses a request without a verified caller, whatever key it carries', async () => {
    await expect(as()).rejects.toMatchObject({ status: 401 });
  });
});
