import { configureLocalLogFormat } from '../../lambda/observe/observability.js';

describe('log format of local runs (GATEWAY_LOG_FORMAT)', () => {
  it.each([
    [{}, true, { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }],
    [{}, false, { POWERTOOLS_METRICS_DISABLED: 'false' }],
    [{ GATEWAY_LOG_FORMAT: 'compact' }, true, { GATEWAY_LOG_FORMAT: 'compact', POWERTOOLS_METRICS_DISABLED: 'false' }],
    [{ GATEWAY_LOG_FORMAT: 'pretty' }, false, { GATEWAY_LOG_FORMAT: 'pretty', POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }],
    [{ POWERTOOLS_METRICS_DISABLED: 'true' }, false, { POWERTOOLS_METRICS_DISABLED: 'true' }],
  ])('turns %j (terminal: %s) into %j, keeping the EMF lines that dev mode would turn off', (env, terminal, expected) => {
    const copy: Record<string, string | undefined> = { ...env };
    configureLocalLogFormat(copy, terminal);
    expect(copy).toEqual(expected);
  });

  it('refuses an unknown format', () => {
    expect(() => configureLocalLogFormat({ GATEWAY_LOG_FORMAT: 'yaml' }, true)).toThrow('GATEWAY_LOG_FORMAT must be pretty or compact, got "yaml"');
  });
});
