/**
 * Keys and principals read by the deployed store from an SSM-compatible server, through the gateway: they reload
 * with the routes, and an invalid current document is refused outright (never its last-known-good version),
 * logged once per bad value.
 */
import { toResponse } from '../support/answers.js';
import { SsmClient } from '../../lambda/aws/ssm-client.js';
import { createAuthenticator } from '../../lambda/auth/authenticate.js';
import { createSsmConfigSource, type SsmConfigSource } from '../../lambda/config-store/ssm-config-source.js';
import { createGateway, type Gateway } from '../../lambda/core/index.js';
import type { SsmServer } from '../support/ssm-server.js';
import { useSsmServer } from '../config-store/store-harness.js';
import { createSnapshotCallerSource } from '../../lambda/auth/snapshot-callers.js';
import { ManualClock, PREFIX, modelDocument, providerDocument, recordingLogger, seed, type LogEntry } from '../config-store/fixtures.js';
import { keyWithDocument } from './fixtures.js';

const server = useSsmServer();
let ssm: SsmServer;
beforeEach(() => {
  ssm = server();
});

interface World {
  readonly gateway: Gateway;
  readonly store: SsmConfigSource;
  readonly clock: ManualClock;
  readonly logs: LogEntry[];
  /** The status of a request made once the TTL has passed (it waits for the store's check). */
  statusAfterRefresh(key: string, path?: string): Promise<number>;
}

function world(mode: 'api_key' | 'iam' = 'api_key'): World {
  const clock = new ManualClock();
  const { logger, entries } = recordingLogger();
  const store = createSsmConfigSource({ prefix: PREFIX, logger, now: clock.now, random: () => 0, ttlSeconds: 5, ssm: new SsmClient({ maxAttempts: 1 }) });
  const gateway = createGateway({
    config: store,
    authorize: async () => undefined,
    authenticate: createAuthenticator({ mode, callers: createSnapshotCallerSource({ prefix: PREFIX, logger }) }),
  });
  const call = (key: string, path = '/v1/models') =>
    gateway(new Request(`http://gw.test${path}`, { headers: { authorization: `Bearer ${key}` } }), { requestId: 'r', receivedAt: 0, iamCallerArn: key });
  return {
    gateway,
    store,
    clock,
    logs: entries,
    statusAfterRefresh: async (key, path) => {
      clock.advance(5);
      const status = (await call(key, path)).status;
      await store.settled();
      return status;
    },
  };
}

const keyParameter = (id: string) => `${PREFIX}/keys/${id}`;

function seedRoutes(): void {
  seed(ssm, { providers: [providerDocument('east')], models: [modelDocument('alpha'), modelDocument('beta')] });
}

describe('keys and principals in the SSM store', () => {
  it('serves a key from SSM, and refuses it once its document turns invalid: no last-known-good, logged once', async () => {
    seedRoutes();
    const { key, document } = keyWithDocument({ grants: ['alpha'] });
    ssm.put(keyParameter(key.keyId), JSON.stringify(document), 'SecureString');
    const w = world();
    const first = await toResponse(w.gateway(new Request('http://gw.test/v1/models', { headers: { 'x-api-key': key.key } })));
    expect(first.status).toBe(200);
    expect((await first.json()).data.map((model: { id: string }) => model.id)).toEqual(['alpha']);

    ssm.put(keyParameter(key.keyId), JSON.stringify({ ...document, grants: ['*'], expires_at: 'soon' }), 'SecureString');
    expect(await w.statusAfterRefresh(key.key)).toBe(401);
    expect(await w.statusAfterRefresh(key.key)).toBe(401);
    const refusals = w.logs.filter((entry) => entry.message === 'Key document refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.attributes).toMatchObject({ document: keyParameter(key.keyId), reasons: [expect.stringContaining('expires_at "soon"')] });
    expect(JSON.stringify(w.logs)).not.toContain(document.hash);

    ssm.put(keyParameter(key.keyId), JSON.stringify(document), 'SecureString');
    expect(await w.statusAfterRefresh(key.key)).toBe(200);
  });

  it('takes a revocation and a deletion within one TTL', async () => {
    seedRoutes();
    const { key, document } = keyWithDocument();
    ssm.put(keyParameter(key.keyId), JSON.stringify(document), 'SecureString');
    const w = world();
    expect(await w.statusAfterRefresh(key.key)).toBe(200);
    ssm.put(keyParameter(key.keyId), JSON.stringify({ ...document, disabled: true }), 'SecureString');
    expect(await w.statusAfterRefresh(key.key)).toBe(401);
    ssm.put(keyParameter(key.keyId), JSON.stringify(document), 'SecureString');
    expect(await w.statusAfterRefresh(key.key)).toBe(200);
    ssm.delete(keyParameter(key.keyId));
    expect(await w.statusAfterRefresh(key.key)).toBe(401);
  });

  it('applies principals to IAM callers, and an invalid principal never opens the gateway to everyone', async () => {
    seedRoutes();
    const arn = 'arn:aws:iam::111122223333:role/app';
    const w = world('iam');
    expect(await w.statusAfterRefresh(arn, '/v1/models/beta')).toBe(200); // no principal document: IAM is the gate
    ssm.put(`${PREFIX}/principals/app`, JSON.stringify({ name: 'app', arns: [arn], grants: ['alpha'] }));
    expect(await w.statusAfterRefresh(arn, '/v1/models/beta')).toBe(404);
    expect(await w.statusAfterRefresh(arn, '/v1/models/alpha')).toBe(200);
    ssm.put(`${PREFIX}/principals/app`, JSON.stringify({ name: 'app', arns: [arn], grants: 'alpha' }));
    expect(await w.statusAfterRefresh(arn, '/v1/models/alpha')).toBe(404);
    expect(await w.statusAfterRefresh(arn, '/v1/models/beta')).toBe(404);
  });
});
