import { replaceTopLevelModel, scanTopLevelModel } from '../../lambda/core/json-model-field.js';

describe('replaceTopLevelModel', () => {
  it.each([
    ['a compact body', '{"model":"gpt-55-bedrock","input":"hi"}', '{"model":"openai.gpt-5.5","input":"hi"}'],
    ['a pretty body, keeping its whitespace', '{\n  "input": "hi",\n  "model" : "gpt-55-bedrock"\n}', '{\n  "input": "hi",\n  "model" : "openai.gpt-5.5"\n}'],
    ['nested model keys, left alone', '{"metadata":{"model":"x"},"tools":[{"model":"y"}],"model":"gpt"}', '{"metadata":{"model":"x"},"tools":[{"model":"y"}],"model":"openai.gpt-5.5"}'],
    ['strings holding quotes, braces and escapes', '{"input":"say \\"model\\": {\\\\","model":"gpt"}', '{"input":"say \\"model\\": {\\\\","model":"openai.gpt-5.5"}'],
    ['an escaped key JSON.parse reads as model', '{"mod\\u0065l":"gpt","n":1.50}', '{"mod\\u0065l":"openai.gpt-5.5","n":1.50}'],
    ['duplicate model keys', '{"model":"a","x":[1,2],"model":"b"}', '{"model":"openai.gpt-5.5","x":[1,2],"model":"openai.gpt-5.5"}'],
    ['numbers and literals exactly as sent', '{"temperature":1.0,"max":12345678901234567890,"stream":true,"model":"m","x":null}', '{"temperature":1.0,"max":12345678901234567890,"stream":true,"model":"openai.gpt-5.5","x":null}'],
  ])('swaps only the model value in %s', (_name, input, expected) => {
    expect(replaceTopLevelModel(input, 'openai.gpt-5.5')).toBe(expected);
    expect(JSON.parse(replaceTopLevelModel(input, 'openai.gpt-5.5')).model).toBe('openai.gpt-5.5');
  });

  it('leaves a large image payload byte for byte', () => {
    const image = 'A'.repeat(1_000_000);
    const body = `{"model":"claude","messages":[{"role":"user","content":[{"type":"image","source":{"data":"${image}"}}]}]}`;
    const rewritten = replaceTopLevelModel(body, 'anthropic.claude-opus-4-7');
    expect(rewritten).toBe(body.replace('"claude"', '"anthropic.claude-opus-4-7"'));
  });
});

describe('scanTopLevelModel', () => {
  it.each([
    ['MODEL', '{"model":"a","MODEL":"b"}', 'MODEL'],
    ['Model before model', '{"Model":"b","model":"a"}', 'Model'],
    ['an escaped case variant', '{"model":"a","\\u004dODEL":"b"}', 'MODEL'],
  ])('reports a top-level key that is model in another case: %s', (_name, json, variant) => {
    expect(scanTopLevelModel(json).caseVariant).toBe(variant);
  });

  it.each([
    ['nested case variants', '{"model":"a","metadata":{"MODEL":"b"},"tools":[{"Model":"c"}]}'],
    ['longer keys that contain model', '{"model":"a","model_id":"b","MODELS":"c"}'],
    ['a string value MODEL', '{"model":"MODEL","x":"Model"}'],
  ])('accepts %s', (_name, json) => {
    expect(scanTopLevelModel(json).caseVariant).toBeUndefined();
  });

  it('finds the spans in the same walk that replaceTopLevelModel uses', () => {
    const json = '{"model":"a","x":1,"model":"b"}';
    const fields = scanTopLevelModel(json);
    expect(fields.spans).toHaveLength(2);
    expect(replaceTopLevelModel(json, 'up', fields)).toBe('{"model":"up","x":1,"model":"up"}');
  });
});
