/**
 * Local runs: `npm start` without keys serves loopback only (loudly), refuses any other HOST unless
 * GATEWAY_ALLOW_ANONYMOUS=1; GATEWAY_KEYS_FILE turns keys on; a broken keys file refuses to start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callerAuthFromEnvironment, isLoopback } from '../../lambda/auth/callers-from-environment.js';
import { createKeysFileSource, KeysFileError } from '../../lambda/auth/keys-file.js';
import { createAuthenticator } from '../../lambda/auth/authenticate.js';
import { stringify } from 'yaml';
import { keyWithDocument } from './fixtures.js';

const logger = { error: () => undefined };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mantle-gateway-local-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('caller auth from the environment', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('treats %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '192.168.1.10', 'gateway.internal'])('does not treat %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(false);
  });

  it('runs without caller auth on loopback, with a warning to print', () => {
    const auth = callerAuthFromEnvironment({ env: {}, host: '127.0.0.1', logger });
    expect(auth.description).toBe('no caller auth');
    expect(auth.warning).toMatch(/^WARNING: no caller auth/);
  });

  it('refuses a non-loopback HOST without keys, unless GATEWAY_ALLOW_ANONYMOUS=1', () => {
    expect(() => callerAuthFromEnvironment({ env: {}, host: '0.0.0.0', logger })).toThrow(/^refusing to serve on 0\.0\.0\.0 without caller auth/);
    expect(() => callerAuthFromEnvironment({ env: { GATEWAY_ALLOW_ANONYMOUS: 'true' }, host: '0.0.0.0', logger })).toThrow(/GATEWAY_ALLOW_ANONYMOUS=1/);
    expect(callerAuthFromEnvironment({ env: { GATEWAY_ALLOW_ANONYMOUS: '1' }, host: '0.0.0.0', logger }).warning).toMatch(/no caller auth on 0\.0\.0\.0/);
  });

  it('requires keys from a keys file on any host, and refuses a broken file or two key sources', () => {
    const file = join(dir, 'keys.yaml');
    writeFileSync(file, 'keys: []\nprincipals: []\n');
    const auth = callerAuthFromEnvironment({ env: { GATEWAY_KEYS_FILE: file }, host: '0.0.0.0', logger });
    expect(auth.description).toBe(`API keys from ${file} (0 keys, 0 principals)`);
    expect(auth.warning).toBeUndefined();
    writeFileSync(file, 'keys: {}\nextra: 1\n');
    expect(() => callerAuthFromEnvironment({ env: { GATEWAY_KEYS_FILE: file }, host: '127.0.0.1', logger })).toThrow(KeysFileError);
    expect(() => callerAuthFromEnvironment({ env: { GATEWAY_KEYS_FILE: file, GATEWAY_SSM_PREFIX: '/p' }, host: '127.0.0.1', logger })).toThrow(/not both/);
  });
});

describe('keys from the environment, required', () => {
  it('with GATEWAY_SSM_PREFIX takes keys from the store\'s snapshot and refuses a request without one, on any host', async () => {
    const auth = callerAuthFromEnvironment({ env: { GATEWAY_SSM_PREFIX: '/mantle-gateway' }, host: '0.0.0.0', logger });
    expect(auth.description).toBe('API keys from SSM /mantle-gateway');
    await expect(Promise.resolve(auth.authenticate(new Request('http://x/v1/models'), undefined, new Map()))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses every key once the keys file no longer parses, and serves again when it is fixed', async () => {
    const { key, document } = keyWithDocument();
    const file = join(dir, 'reloaded.yaml');
    writeFileSync(file, stringify({ keys: [document] }));
    let now = 0;
    const logged: string[] = [];
    const source = createKeysFileSource({ path: file, logger: { error: (message) => void logged.push(message) }, now: () => now });
    const authenticate = createAuthenticator({ mode: 'api_key', callers: source });
    const status = async () =>
      Promise.resolve(authenticate(new Request('http://x/', { headers: { 'x-api-key': key.key } }))).then(
        () => 200,
        (error: { status: number }) => error.status,
      );
    expect(await status()).toBe(200);
    writeFileSync(file, 'keys: [unclosed\n');
    now += 1000;
    expect(await status()).toBe(401);
    expect(logged).toEqual(['Keys file unusable; refusing every key until it is fixed']);
    writeFileSync(file, stringify({ keys: [document] }));
    now += 1000;
    expect(await status()).toBe(200);
  });
});

describe('npm start (dev/start.ts as a process)', () => {
  function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'dev/start.ts'], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
  }

  it('refuses to start on a non-loopback HOST without keys, saying why', async () => {
    const { code, stderr } = await start({ HOST: '0.0.0.0' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^mantle-gateway: refusing to serve on 0\.0\.0\.0 without caller auth/);
  }, 30_000);
});
