import { InvalidRequestError } from '../../lambda/domain/errors.js';
import { effortForBudget, translateThinking } from '../../lambda/compat/thinking.js';

const rewrite = (text: string): string => translateThinking(text, JSON.parse(text) as Record<string, unknown>);

describe('effortForBudget', () => {
  it.each([
    [1, 'low'], [1_024, 'low'], [4_095, 'low'],
    [4_096, 'medium'], [16_383, 'medium'],
    [16_384, 'high'], [32_767, 'high'],
    [32_768, 'max'], [128_000, 'max'],
  ])('maps a budget of %i tokens to %s', (budget, effort) => {
    expect(effortForBudget(budget)).toBe(effort);
  });
});

describe('translateThinking', () => {
  it.each([
    [
      'enabled, no output_config: thinking becomes adaptive and output_config is appended',
      '{"model":"claude","max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":10000},"messages":[]}',
      '{"model":"claude","max_tokens":64000,"thinking":{"type":"adaptive"},"messages":[],"output_config":{"effort":"medium"}}',
    ],
    [
      'enabled with an output_config lacking effort: effort is added, its other members kept as sent',
      '{"thinking": {"type": "enabled", "budget_tokens": 40000}, "output_config": {"format": {"type": "json_schema"}}}',
      '{"thinking": {"type":"adaptive"}, "output_config": {"effort":"max","format": {"type": "json_schema"}}}',
    ],
    [
      'enabled with an empty output_config',
      '{"thinking":{"type":"enabled","budget_tokens":2048},"output_config":{ }}',
      '{"thinking":{"type":"adaptive"},"output_config":{"effort":"low" }}',
    ],
    [
      'enabled with output_config null',
      '{"thinking":{"type":"enabled","budget_tokens":20000},"output_config":null,"x":1.50}',
      '{"thinking":{"type":"adaptive"},"output_config":{"effort":"high"},"x":1.50}',
    ],
    [
      'enabled with the caller\'s own effort, which wins',
      '{"thinking":{"type":"enabled","budget_tokens":50000},"output_config":{"effort":"low"}}',
      '{"thinking":{"type":"adaptive"},"output_config":{"effort":"low"}}',
    ],
    [
      'disabled as the first member',
      '{"thinking":{"type":"disabled"},"model":"claude","max_tokens":10}',
      '{"model":"claude","max_tokens":10}',
    ],
    [
      'disabled as the last member, pretty-printed',
      '{\n  "model": "claude",\n  "thinking": {"type": "disabled"}\n}',
      '{\n  "model": "claude"\n}',
    ],
    [
      'disabled with an output_config the caller set, kept',
      '{"model":"c","thinking":{"type":"disabled"},"output_config":{"effort":"high"}}',
      '{"model":"c","output_config":{"effort":"high"}}',
    ],
  ])('rewrites %s', (_case, input, expected) => {
    expect(rewrite(input)).toBe(expected);
    JSON.parse(expected);
  });

  it.each([
    ['adaptive thinking', '{"model":"c","thinking":{"type":"adaptive"},"output_config":{"effort":"xhigh"}}'],
    ['no thinking', '{"model":"c","messages":[{"role":"user","content":"thinking: enabled"}]}'],
    ['a nested thinking member only', '{"model":"c","metadata":{"thinking":{"type":"enabled","budget_tokens":5}}}'],
  ])('returns %s unchanged', (_case, input) => {
    expect(rewrite(input)).toBe(input);
  });

  it('leaves every byte outside thinking and output_config as sent (escapes, numbers, a large payload)', () => {
    const image = 'A'.repeat(500_000);
    const before = `{"model":"claude","temperature":1.0,"n":12345678901234567890,"system":"say \\"thinking\\": {\\\\","messages":[{"role":"user","content":[{"type":"image","source":{"data":"${image}"}}]}],`;
    const text = `${before}"thinking":{"type":"enabled","budget_tokens":8192}}`;
    expect(rewrite(text)).toBe(`${before}"thinking":{"type":"adaptive"},"output_config":{"effort":"medium"}}`);
  });

  it.each([
    ['missing', '{"thinking":{"type":"enabled"}}'],
    ['zero', '{"thinking":{"type":"enabled","budget_tokens":0}}'],
    ['a string', '{"thinking":{"type":"enabled","budget_tokens":"1024"}}'],
  ])('rejects enabled thinking with budget_tokens %s, naming the field', (_case, input) => {
    expect(() => rewrite(input)).toThrow(InvalidRequestError);
    expect(() => rewrite(input)).toThrow(/thinking\.budget_tokens/);
  });
});
