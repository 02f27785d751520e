/**
 * The Lambda's store against an SSM-compatible server on loopback: the AWS SDK (through Powertools) reaches it
 * via AWS_ENDPOINT_URL_SSM, and time moves only when the test says so.
 */
import { toResponse } from '../support/answers.js';
import type { SsmConfigSource } from '../../lambda/config-store/ssm-config-source.js';
import { createGateway, type Gateway } from '../../lambda/core/index.js';
import type { SsmServer } from '../support/ssm-server.js';
import {
  PREFIX,
  modelDocument,
  modelParameter,
  providerDocument,
  providerParameter,
  seed,
  type LogEntry,
} from './fixtures.js';
import { storeHarness, useSsmServer } from './store-harness.js';

const server = useSsmServer();
let ssm: SsmServer;
beforeEach(() => {
  ssm = server();
});

const harness = storeHarness;

/** Full reads of the documents (each starts with the first page of the models). */
const readsOfSsm = () =>
  ssm.requests.filter((request) => request.operation === 'GetParametersByPath' && request.input['Path'] === `${PREFIX}/models` && request.input['NextToken'] === undefined).length;
const errors = (logs: LogEntry[]) => logs.filter((entry) => entry.level === 'error');

function seedTwoModels(): void {
  seed(ssm, {
    providers: [providerDocument('east')],
    models: [modelDocument('alpha'), modelDocument('beta')],
  });
}

describe('createSsmConfigSource', () => {
  it('loads every provider and model under the prefix through the default Powertools provider', async () => {
    seedTwoModels();
    const { table } = harness({ defaultProvider: true });
    const loaded = await table();
    expect([...loaded.models.keys()]).toEqual(['alpha', 'beta']);
    expect(loaded.models.get('alpha')?.routes[0]?.baseUrl).toBe('https://bedrock-mantle.us-east-2.api.aws/v1');
    // The marker first, then only the layout's sub-paths (issue 7 item 9): nothing else under the prefix is read.
    expect(ssm.requests[0]).toEqual({ operation: 'GetParameter', input: { Name: `${PREFIX}/revision`, WithDecryption: false } });
    expect(ssm.requests.slice(1).map((request) => request.input).sort((a, b) => String(a['Path']).localeCompare(String(b['Path'])))).toEqual([
      { Path: `${PREFIX}/keys`, Recursive: false, WithDecryption: true },
      { Path: `${PREFIX}/models`, Recursive: false, WithDecryption: true },
      { Path: `${PREFIX}/principals`, Recursive: false, WithDecryption: false },
      { Path: `${PREFIX}/providers`, Recursive: false, WithDecryption: true },
    ]);
  });

  it('picks up an edit after the TTL and not before', async () => {
    seedTwoModels();
    const { clock, source, upstreamOf } = harness({ ttlSeconds: 5 });
    expect(await upstreamOf('alpha')).toBe('openai.gpt-oss-120b');

    ssm.put(modelParameter('alpha'), JSON.stringify(modelDocument('alpha', { upstream: 'qwen.qwen3-32b' })));
    clock.advance(4.999);
    expect(await upstreamOf('alpha')).toBe('openai.gpt-oss-120b');
    expect(readsOfSsm()).toBe(1);

    clock.advance(0.001);
    // The request that notices the TTL has passed waits for the check (this prefix has no marker: a full read)
    // and is itself answered with the edit: no stale answer after an idle period.
    const servedAtExpiry = await source.snapshot();
    expect(servedAtExpiry.routes.models.get('alpha')?.routes[0]?.route.upstream_model).toBe('qwen.qwen3-32b');
    expect(readsOfSsm()).toBe(2);
  });

  it('warns about a TTL that is not a number of seconds and uses 5', async () => {
    seedTwoModels();
    const { clock, table, passTime, logs } = harness({ ttlSeconds: Number('soon') });
    await table();
    clock.advance(4.9);
    await table();
    expect(readsOfSsm()).toBe(1);
    await passTime(0.1);
    expect(readsOfSsm()).toBe(2);
    expect(logs[0]).toEqual({ level: 'warn', message: 'Route configuration TTL NaN is not a number of seconds >= 0; using 5', attributes: {} });
  });

  it('answers from memory between checks, with one check in flight at a time', async () => {
    seedTwoModels();
    const { clock, source, table } = harness();
    await table();
    clock.advance(4);
    expect(Array.from({ length: 20 }, () => source.snapshot()).every((result) => !(result instanceof Promise))).toBe(true);
    clock.advance(56);
    const served = await Promise.all(Array.from({ length: 20 }, () => source.snapshot()));
    expect(new Set(served).size).toBe(1);
    await source.settled();
    expect(readsOfSsm()).toBe(2);
  });

  it('keeps the previous version of a model given an invalid edit, updates the others, and logs it once', async () => {
    seedTwoModels();
    const { logs, upstreamOf, passTime } = harness();
    await upstreamOf('alpha');

    ssm.put(modelParameter('alpha'), JSON.stringify({ ...modelDocument('alpha'), routes: [{ provider: 'east' }] }));
    ssm.put(modelParameter('beta'), JSON.stringify(modelDocument('beta', { upstream: 'mistral.mistral-large-3-675b-instruct' })));
    await passTime(5);
    expect(await upstreamOf('alpha')).toBe('openai.gpt-oss-120b');
    expect(await upstreamOf('beta')).toBe('mistral.mistral-large-3-675b-instruct');

    await passTime(5);
    expect(errors(logs)).toEqual([
      {
        level: 'error',
        message: 'SSM parameter rejected',
        attributes: {
          parameter: modelParameter('alpha'),
          reasons: [
            'model "alpha" route 0: upstream_model is required',
            'model "alpha" route 0: compatibility.aws_bedrock.api_style is required (the Mantle surface is declared, never guessed)',
          ],
          serving: 'the last-known-good version',
        },
      },
    ]);
  });

  it('logs a rejected parameter again when it changes to another bad value', async () => {
    seedTwoModels();
    const { logs, table, passTime } = harness();
    await table();
    for (const bad of ['{', '{"id": "alpha"}', '{"id": "alpha"}']) {
      ssm.put(modelParameter('alpha'), bad);
      await passTime(5);
    }
    expect(errors(logs).map((entry) => entry.attributes['reasons'])).toEqual([
      [expect.stringContaining('not valid JSON')],
      ['model "alpha": routes must be a non-empty list'],
    ]);
  });

  it('holds back a model that names a provider that does not exist', async () => {
    seedTwoModels();
    const { table, logs, passTime } = harness();
    await table();
    ssm.put(modelParameter('gamma'), JSON.stringify(modelDocument('gamma', { provider: 'west' })));
    await passTime(5);
    expect([...(await table()).models.keys()]).toEqual(['alpha', 'beta']);
    expect(errors(logs)[0]?.attributes).toMatchObject({
      parameter: modelParameter('gamma'),
      reasons: ['model "gamma" route 0: provider "west" is not defined'],
      serving: 'nothing: this model is unavailable until the parameter is fixed',
    });
  });

  it('removes a model or a provider when its parameter is deleted', async () => {
    seed(ssm, {
      providers: [providerDocument('east'), providerDocument('west', { region: 'us-west-2' })],
      models: [modelDocument('alpha'), modelDocument('beta', { provider: 'west' })],
    });
    const { table, passTime } = harness();
    expect([...(await table()).models.keys()]).toEqual(['alpha', 'beta']);

    ssm.delete(modelParameter('alpha'));
    await passTime(5);
    expect([...(await table()).models.keys()]).toEqual(['beta']);

    ssm.delete(providerParameter('west'));
    ssm.delete(modelParameter('beta'));
    ssm.put(modelParameter('alpha'), JSON.stringify(modelDocument('alpha')));
    await passTime(5);
    const after = await table();
    expect([...after.models.keys()]).toEqual(['alpha']);
    expect(after.models.get('alpha')?.routes[0]?.provider.id).toBe('east');
  });

  it('reads 150 models across pages of at most 10', async () => {
    seed(ssm, {
      providers: [providerDocument('east')],
      models: Array.from({ length: 150 }, (_, index) => modelDocument(`model-${String(index).padStart(3, '0')}`)),
    });
    const { table } = harness();
    const loaded = await table();
    expect(loaded.models.size).toBe(150);
    expect(loaded.models.has('model-000') && loaded.models.has('model-149')).toBe(true);
    const pages = ssm.requests.filter((request) => request.operation === 'GetParametersByPath');
    expect(pages.filter((request) => request.input['Path'] === `${PREFIX}/models`)).toHaveLength(15);
    expect(pages.filter((request) => request.input['Path'] === `${PREFIX}/providers`)).toHaveLength(1);
    // A first page per sub-path: providers, models, keys and principals.
    expect(pages.filter((request) => request.input['NextToken'] === undefined)).toHaveLength(4);
  });

  it('reads a document stored as a SecureString', async () => {
    seed(ssm, { providers: [providerDocument('east')] });
    ssm.put(modelParameter('alpha'), JSON.stringify(modelDocument('alpha')), 'SecureString');
    const { table } = harness();
    expect([...(await table()).models.keys()]).toEqual(['alpha']);
  });
});

describe('createSsmConfigSource when SSM fails', () => {
  // The caller sees a generic 503 with a request id; the reason (prefix, SDK error) goes to the gateway's log.
  const gatewayLog: string[] = [];
  const gatewayOver = (source: SsmConfigSource): Gateway =>
    createGateway({ config: source, authorize: async () => undefined, log: { error: (message) => gatewayLog.push(message) } });
  const loggedReason = (): string => gatewayLog.at(-1) ?? '';
  const listModels = (gateway: Gateway) => toResponse(gateway(new Request('http://gateway.test/v1/models')));

  it.each(['throttle', 'unavailable', 'network', 'access-denied'] as const)(
    'keeps serving the cached configuration through an outage (%s), logging it once and its end once',
    async (kind) => {
      seedTwoModels();
      const { clock, source, logs } = harness();
      const gateway = gatewayOver(source);
      expect((await listModels(gateway)).status).toBe(200);

      ssm.failNext(Infinity, kind);
      const statuses: number[] = [];
      for (let step = 0; step < 12; step += 1) {
        clock.advance(2.5);
        statuses.push((await listModels(gateway)).status);
        await source.settled();
      }
      expect(statuses.every((status) => status === 200)).toBe(true);

      ssm.failNext(0);
      ssm.put(modelParameter('gamma'), JSON.stringify(modelDocument('gamma')));
      clock.advance(5);
      await listModels(gateway);
      await source.settled();
      const models = (await (await listModels(gateway)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((model) => model.id)).toEqual(['alpha', 'beta', 'gamma']);

      expect(logs.filter((entry) => entry.message.startsWith('Reading the route configuration'))).toEqual([
        expect.objectContaining({
          level: 'error',
          message: 'Reading the route configuration from SSM failed; serving the cached configuration and retrying in the background',
        }),
        expect.objectContaining({ level: 'info', attributes: expect.objectContaining({ failedReads: 6 }) }),
      ]);
    },
  );

  it('answers 503 with an explanation on a cold start without SSM, and recovers as soon as SSM does', async () => {
    seedTwoModels();
    ssm.failNext(Infinity, 'throttle');
    const { clock, source, logs } = harness();
    const gateway = gatewayOver(source);

    const refused = await listModels(gateway);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: expect.objectContaining({ code: 'config_unavailable', message: expect.not.stringContaining('ThrottlingException') }),
    });
    expect(loggedReason()).toContain(`no usable route configuration yet: reading SSM failed (ThrottlingException) (SSM prefix ${PREFIX})`);

    // A burst of requests during the backoff gets the same answer without another read.
    const readsBefore = readsOfSsm();
    const burst = await Promise.all(Array.from({ length: 10 }, () => listModels(gateway)));
    expect(burst.map((response) => response.status)).toEqual(Array(10).fill(503));
    expect(readsOfSsm()).toBe(readsBefore);

    ssm.failNext(0);
    clock.advance(1);
    expect((await listModels(gateway)).status).toBe(200);
    expect(logs.map((entry) => entry.level)).toEqual(['error', 'info', 'info']);
  });

  it('gives up on a read SSM never answers, and recovers on a later one', async () => {
    seedTwoModels();
    ssm.failNext(1, 'hang');
    // Long enough for the recovering read (marker and every sub-path) on a loaded machine; the hang still times out.
    const { clock, source, logs } = harness({ readTimeoutMs: 1000 });
    const gateway = gatewayOver(source);
    const refused = await listModels(gateway);
    expect(refused.status).toBe(503);
    expect(loggedReason()).toContain('reading SSM failed (TimeoutError)');
    clock.advance(1);
    expect((await listModels(gateway)).status).toBe(200);
    expect(logs[0]?.attributes).toMatchObject({ error: 'TimeoutError', cause: 'SSM did not answer within 1000 ms' });
  });

  it.each([
    ['the prefix is empty', () => undefined, 'no parameters were found'],
    ['every model is invalid', () => seed(ssm, { providers: [providerDocument('east')], models: [{ id: 'alpha' }] }), 'no model passed validation (1 parameter rejected)'],
  ])('answers 503 on a cold start when %s, until a usable model appears', async (_case, arrange, reason) => {
    arrange();
    const { clock, source } = harness();
    const gateway = gatewayOver(source);
    const refused = await listModels(gateway);
    expect(refused.status).toBe(503);
    expect(loggedReason()).toContain(reason);

    seedTwoModels();
    clock.advance(1);
    expect((await listModels(gateway)).status).toBe(200);
  });
});
