/**
 * `keys` and `principals` against the loopback SSM server (as the admin runs them) and against a keys file.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { parseApiKey, secretMatches } from '../../lambda/auth/api-key.js';
import { validateKeyDocument } from '../../lambda/auth/caller-documents.js';
import { expiryFromOption } from '../../admin/caller-grants-options.js';
import { run, useCliWorld } from './cli-harness.js';

const PREFIX = '/mantle-gateway';
const world = useCliWorld();

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)!;
}

describe('keys in SSM', () => {
  it('create writes a SecureString holding only the hash, prints the key alone on the last stdout line, and bumps the marker', async () => {
    const before = world.ssm.parameters.get(`${PREFIX}/revision`)?.value;
    const result = await run('keys', 'create', 'ci-bot', '--models', 'gpt-55-bedrock,claude-opus-4-7', '--tags', 'openai', '--expires', '90d', '--region', 'us-east-2');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const key = lastLine(result.stdout);
    const parsed = parseApiKey(key)!;
    expect(parsed).toBeDefined();
    const stored = world.ssm.parameters.get(`${PREFIX}/keys/${parsed.keyId}`)!;
    expect(stored.type).toBe('SecureString');
    expect(stored.value).not.toContain(parsed.secret);
    const document = JSON.parse(stored.value);
    expect(validateKeyDocument(document).ok).toBe(true);
    expect(document).toMatchObject({ id: parsed.keyId, name: 'ci-bot', grants: ['gpt-55-bedrock', 'claude-opus-4-7', 'tag:openai'] });
    expect(secretMatches(parsed.secret, document.hash)).toBe(true);
    expect(Date.parse(document.expires_at) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const marker = world.ssm.parameters.get(`${PREFIX}/revision`)!;
    expect(marker.type).toBe('String');
    expect(marker.value).not.toBe(before);
  });

  it('list shows id, name, grants, expiry, state and created time, never a hash; revoke keeps the key listed; delete removes it', async () => {
    const key = parseApiKey(lastLine((await run('keys', 'create', 'to-revoke', '--models', '*', '--region', 'us-east-2')).stdout))!;
    const markers: string[] = [];
    const marker = () => world.ssm.parameters.get(`${PREFIX}/revision`)!.value;
    markers.push(marker());
    expect(await run('keys', 'revoke', key.keyId, '--region', 'us-east-2')).toMatchObject({ code: 0 });
    markers.push(marker());
    const listed = await run('keys', 'list', '--region', 'us-east-2');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+GRANTS\s+EXPIRES\s+STATE\s+CREATED$/);
    expect(listed.stdout).toMatch(new RegExp(`${key.keyId}\\s+to-revoke\\s+\\*\\s+never\\s+revoked\\s+20`));
    expect(listed.stdout).toMatch(/ci-bot\s+gpt-55-bedrock,claude-opus-4-7,tag:openai\s+20\S+Z\s+active/);
    expect(listed.stdout).not.toContain('sha256');
    expect(await run('keys', 'delete', key.keyId, '--region', 'us-east-2')).toMatchObject({ code: 0 });
    markers.push(marker());
    expect(new Set(markers).size).toBe(3);
    expect(world.ssm.parameters.has(`${PREFIX}/keys/${key.keyId}`)).toBe(false);
    expect(await run('keys', 'delete', key.keyId, '--region', 'us-east-2')).toMatchObject({ code: 1, stderr: `mantle-gateway: no key ${key.keyId} in SSM ${PREFIX} in us-east-2\n` });
  });

  it.each([
    [['keys', 'create', 'app', '--region', 'us-east-2'], "mantle-gateway: grants are required: --models <ids> (or '*') and/or --tags <tags>"],
    [['keys', 'create', 'app', '--models', 'a,,b', '--region', 'us-east-2'], 'mantle-gateway: --models takes a comma-separated list without empty entries, got "a,,b"'],
    [['keys', 'create', 'app', '--models', '*', '--expires', 'tomorrow', '--region', 'us-east-2'], 'mantle-gateway: --expires takes a duration (30m, 12h, 90d) or an ISO 8601 date-time (2027-01-31T00:00:00Z), got "tomorrow"'],
    [['keys', 'create', 'app', '--models', '*', '--expires', '2020-01-01T00:00:00Z', '--region', 'us-east-2'], 'mantle-gateway: --expires 2020-01-01T00:00:00Z is not in the future'],
    [['keys', 'create', 'bad name', '--models', '*', '--region', 'us-east-2'], 'mantle-gateway: "bad name" is not a valid name'],
    [['keys', 'revoke', '--region', 'us-east-2'], 'mantle-gateway: keys revoke takes one key id, got none'],
    [['keys', 'list', '--models', '*', '--region', 'us-east-2'], 'mantle-gateway: --models does not apply to keys list'],
    [['keys', 'list', '--file', 'k.yaml', '--region', 'us-east-2'], 'mantle-gateway: --file writes a local keys file; it takes no --region or --prefix'],
    [['keys', 'rotate', 'x', '--region', 'us-east-2'], 'mantle-gateway: unknown command keys rotate (keys create|list|revoke|delete, principals put|list)'],
    [['principals', 'put', 'ops', '--models', '*', '--region', 'us-east-2'], 'mantle-gateway: principals put needs at least one --arn <pattern>'],
  ])('refuses %j with one line and exit code 2', async (argv, message) => {
    const writes = world.ssm.requests.filter((request) => request.operation === 'PutParameter').length;
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(world.ssm.requests.filter((request) => request.operation === 'PutParameter').length).toBe(writes);
  });
});

describe('principals in SSM', () => {
  it('put writes a String document with repeated --arn patterns (and updates it), list shows it', async () => {
    expect((await run('principals', 'list', '--region', 'us-east-2')).stdout).toBe(`No principals in SSM ${PREFIX} in us-east-2: every caller IAM lets in may use every model.\n`);
    const marker = world.ssm.parameters.get(`${PREFIX}/revision`)?.value;
    const created = await run('principals', 'put', 'search', '--arn', 'arn:aws:iam::111122223333:role/search-*', '--arn', 'arn:aws:iam::111122223333:user/alice', '--models', 'gpt-oss-120b', '--region', 'us-east-2');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^Created principal search/);
    const stored = world.ssm.parameters.get(`${PREFIX}/principals/search`)!;
    expect(stored.type).toBe('String');
    expect(JSON.parse(stored.value)).toEqual({ name: 'search', arns: ['arn:aws:iam::111122223333:role/search-*', 'arn:aws:iam::111122223333:user/alice'], grants: ['gpt-oss-120b'] });
    expect(world.ssm.parameters.get(`${PREFIX}/revision`)!.value).not.toBe(marker);
    expect((await run('principals', 'put', 'search', '--arn', 'arn:aws:iam::111122223333:role/search-*', '--tags', 'openai', '--region', 'us-east-2')).stdout).toMatch(/^Updated principal search/);
    expect((await run('principals', 'list', '--region', 'us-east-2')).stdout).toBe('NAME    ARNS                                     GRANTS\nsearch  arn:aws:iam::111122223333:role/search-*  tag:openai\n');
  });

  it('refuses a pattern that is not an ARN', async () => {
    const result = await run('principals', 'put', 'bad', '--arn', 'search-role', '--models', '*', '--region', 'us-east-2');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/arns\[0\] "search-role" is not valid/);
  });
});

describe('keys and principals in a keys file (--file)', () => {
  it('writes the same documents under keys: and principals:, owner-only, without touching SSM', async () => {
    const file = world.dir.file('keys.yaml');
    const requests = world.ssm.requests.length;
    const key = parseApiKey(lastLine((await run('keys', 'create', 'local-app', '--models', 'qwen3-32b', '--file', file)).stdout))!;
    expect((await run('principals', 'put', 'ops', '--arn', 'arn:aws:iam::111122223333:role/ops', '--models', '*', '--file', file)).code).toBe(0);
    expect((await run('keys', 'revoke', key.keyId, '--file', file)).code).toBe(0);
    const document = parse(readFileSync(file, 'utf8'));
    expect(document.keys).toEqual([expect.objectContaining({ id: key.keyId, name: 'local-app', grants: ['qwen3-32b'], disabled: true })]);
    expect(document.principals).toEqual([{ name: 'ops', arns: ['arn:aws:iam::111122223333:role/ops'], grants: ['*'] }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await run('keys', 'list', '--file', file)).stdout).toMatch(/local-app\s+qwen3-32b\s+never\s+revoked/);
    expect(world.ssm.requests.length).toBe(requests);
  });
});

describe('--expires', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  it.each([
    ['30m', '2026-12-01T10:30:00.000Z'],
    ['12h', '2026-12-01T22:00:00.000Z'],
    ['90d', '2027-03-01T10:00:00.000Z'],
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
    ['2027-01-31T12:00:00+02:00', '2027-01-31T10:00:00.000Z'],
  ])('takes %s', (value, expected) => {
    expect(expiryFromOption(value, now)).toBe(expected);
  });
});
