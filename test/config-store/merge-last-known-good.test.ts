import {
  EMPTY_KNOWN_GOOD,
  mergeLastKnownGood,
  toGatewayConfig,
  type KnownGoodConfig,
} from '../../lambda/config-store/merge-last-known-good.js';
import { PREFIX, modelDocument, modelParameter, providerDocument, providerParameter } from './fixtures.js';

type Documents = { providers?: Record<string, unknown>[]; models?: Record<string, unknown>[]; extra?: Record<string, string> };

/** Parameters as read from SSM: full name to JSON value. */
function parameters(documents: Documents): Map<string, string> {
  return new Map([
    ...(documents.providers ?? []).map((doc) => [providerParameter(String(doc['id'])), JSON.stringify(doc)] as const),
    ...(documents.models ?? []).map((doc) => [modelParameter(String(doc['id'])), JSON.stringify(doc)] as const),
    ...Object.entries(documents.extra ?? {}),
  ]);
}

function upstreamOf(config: KnownGoodConfig, modelId: string): string | undefined {
  return config.models.get(modelId)?.value.routes[0]?.upstream_model;
}

const good: Documents = {
  providers: [providerDocument('east'), providerDocument('west', { region: 'us-west-2' })],
  models: [modelDocument('alpha'), modelDocument('beta', { provider: 'west' })],
};

function loaded(documents: Documents = good): KnownGoodConfig {
  const result = mergeLastKnownGood(EMPTY_KNOWN_GOOD, parameters(documents), PREFIX);
  expect(result.rejected).toEqual([]);
  return result.config;
}

describe('mergeLastKnownGood', () => {
  it('accepts valid documents on a cold start and orders them by id', () => {
    const result = mergeLastKnownGood(EMPTY_KNOWN_GOOD, parameters({ ...good, models: [modelDocument('zulu'), modelDocument('alpha')] }), PREFIX);
    expect(result.changed).toBe(true);
    expect(toGatewayConfig(result.config).models.map((model) => model.id)).toEqual(['alpha', 'zulu']);
    expect(toGatewayConfig(result.config).providers.map((provider) => provider.endpoint)).toEqual([
      'https://bedrock-mantle.us-east-2.api.aws',
      'https://bedrock-mantle.us-west-2.api.aws',
    ]);
  });

  it('reports nothing changed when the same values are read again', () => {
    const previous = loaded();
    const result = mergeLastKnownGood(previous, parameters(good), PREFIX);
    expect(result.changed).toBe(false);
    expect(result.config.models.get('alpha')).toBe(previous.models.get('alpha'));
  });

  it('takes a valid edit of one model and leaves the others as they were', () => {
    const previous = loaded();
    const edited = { ...good, models: [modelDocument('alpha', { upstream: 'qwen.qwen3-32b' }), modelDocument('beta', { provider: 'west' })] };
    const result = mergeLastKnownGood(previous, parameters(edited), PREFIX);
    expect(result.changed).toBe(true);
    expect(upstreamOf(result.config, 'alpha')).toBe('qwen.qwen3-32b');
    expect(result.config.models.get('beta')).toBe(previous.models.get('beta'));
  });

  it.each([
    ['a JSON syntax error', '{"id": "alpha", "routes": [', /model "alpha": the parameter value is not valid JSON/],
    ['a validation error', JSON.stringify({ ...modelDocument('alpha'), routes: [] }), /model "alpha": routes must be a non-empty list/],
    ['an id that does not match the parameter name', JSON.stringify(modelDocument('gamma')), /does not match the parameter name/],
    ['a route to an undefined provider', JSON.stringify(modelDocument('alpha', { provider: 'nowhere' })), /model "alpha" route 0: provider "nowhere" is not defined/],
  ])('keeps the previous version of a model whose new value has %s', (_case, raw, reason) => {
    const previous = loaded();
    const fetched = parameters(good);
    fetched.set(modelParameter('alpha'), raw);
    const result = mergeLastKnownGood(previous, fetched, PREFIX);
    expect(result.config.models.get('alpha')).toBe(previous.models.get('alpha'));
    expect(result.changed).toBe(false);
    expect(result.rejected).toEqual([
      expect.objectContaining({ name: modelParameter('alpha'), kind: 'models', id: 'alpha', serving: 'previous', reasons: [expect.stringMatching(reason)] }),
    ]);
  });

  it('leaves out a new model that is invalid, and says nothing serves it', () => {
    const fetched = parameters({ ...good, models: [...good.models!, { id: 'gamma' }] });
    const result = mergeLastKnownGood(loaded(), fetched, PREFIX);
    expect(result.config.models.has('gamma')).toBe(false);
    expect(result.rejected).toEqual([expect.objectContaining({ id: 'gamma', serving: 'none' })]);
  });

  it('keeps the previous version of a provider whose new value is invalid, and the models that use it', () => {
    const previous = loaded();
    const fetched = parameters({ ...good, providers: [providerDocument('east', { region: 'mars' }), providerDocument('west', { region: 'us-west-2' })] });
    const result = mergeLastKnownGood(previous, fetched, PREFIX);
    expect(result.config.providers.get('east')).toBe(previous.providers.get('east'));
    expect(result.config.models.get('alpha')).toBe(previous.models.get('alpha'));
    expect(result.rejected).toEqual([expect.objectContaining({ name: providerParameter('east'), kind: 'providers', serving: 'previous' })]);
  });

  it('holds back a new model whose provider is new and invalid', () => {
    const fetched = parameters({
      providers: [...good.providers!, providerDocument('north', { auth: { mode: 'bearer', token: 'sk-pasted-key' } })],
      models: [...good.models!, modelDocument('gamma', { provider: 'north' })],
    });
    const result = mergeLastKnownGood(loaded(), fetched, PREFIX);
    expect(result.config.models.has('gamma')).toBe(false);
    expect(result.rejected.map((rejection) => [rejection.id, rejection.serving])).toEqual([
      ['north', 'none'],
      ['gamma', 'none'],
    ]);
  });

  it('removes a deleted model', () => {
    const result = mergeLastKnownGood(loaded(), parameters({ ...good, models: [modelDocument('beta', { provider: 'west' })] }), PREFIX);
    expect(result.changed).toBe(true);
    expect([...result.config.models.keys()]).toEqual(['beta']);
  });

  it('removes a deleted provider, and with it the models that still route to it', () => {
    const result = mergeLastKnownGood(loaded(), parameters({ ...good, providers: [providerDocument('east')] }), PREFIX);
    expect([...result.config.providers.keys()]).toEqual(['east']);
    expect([...result.config.models.keys()]).toEqual(['alpha']);
    expect(result.rejected).toEqual([
      expect.objectContaining({ id: 'beta', serving: 'none', reasons: ['model "beta" route 0: provider "west" is not defined'] }),
    ]);
  });

  it('ignores parameters outside the layout, such as a SecureString API key under the prefix', () => {
    const fetched = parameters({ ...good, extra: { [`${PREFIX}/secrets/bedrock-api-key`]: 'not json', [`${PREFIX}/models/a/b`]: '{}' } });
    const result = mergeLastKnownGood(EMPTY_KNOWN_GOOD, fetched, PREFIX);
    expect(result.rejected).toEqual([]);
    expect([...result.config.models.keys()]).toEqual(['alpha', 'beta']);
  });
});
