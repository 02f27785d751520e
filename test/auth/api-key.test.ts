import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../lambda/auth/api-key.js';
import { createSigV4Fetch } from 'mantle-gateway/client';

describe('gateway API keys', () => {
  it('are mgw_<key id>_<secret> with a 256-bit secret, and parse back to their parts', () => {
    const key = generateApiKey();
    expect(key.key).toMatch(/^mgw_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(parseApiKey(key.key)).toEqual({ keyId: key.keyId, secret: key.secret });
    expect(key.hash).toBe(hashSecret(key.secret));
    expect(key.hash).not.toContain(key.secret);
  });

  it('are new each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it.each([
    ['a bare secret', '0123456789abcdef0123456789abcdef'],
    ['another prefix', 'sk_0123456789abcdef_0123456789abcdef0123456789abcdef'],
    ['no secret', 'mgw_0123456789abcdef'],
    ['a short secret (under 128 bits)', 'mgw_0123456789abcdef_0123456789abcdef'],
    ['upper-case key id', 'mgw_0123456789ABCDEF_0123456789abcdef0123456789abcdef'],
    ['a separator in the secret', 'mgw_0123456789abcdef_0123456789abcdef_0123456789abcdef'],
    ['an empty string', ''],
  ])('rejects %s as malformed', (_, text) => {
    expect(parseApiKey(text)).toBeUndefined();
  });

  it('matches only the secret whose hash is stored', () => {
    const key = generateApiKey();
    expect(secretMatches(key.secret, key.hash)).toBe(true);
    const other = key.secret.slice(0, -1) + (key.secret.endsWith('a') ? 'b' : 'a');
    expect(secretMatches(other, key.hash)).toBe(false);
    expect(secretMatches(key.secret, 'sha256:')).toBe(false);
  });

  it('ships the SigV4 client helper under mantle-gateway/client', () => {
    expect(typeof createSigV4Fetch).toBe('function');
    expect(() => createSigV4Fetch({ region: 'us-east-2' })).not.toThrow();
  });
});
