import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigValidationError, validateGatewayConfig } from '../../lambda/config/validate.js';
import { EXAMPLE_CONFIG, TempDir, documentNamed, run } from './cli-harness.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await TempDir.create();
});
afterAll(() => dir.remove());

/** What the shared validator (synth, Lambda) says about a file. */
async function validatorIssues(path: string): Promise<readonly string[]> {
  try {
    validateGatewayConfig(parse(await readFile(path, 'utf8')));
    return [];
  } catch (error) {
    return (error as ConfigValidationError).issues;
  }
}

describe('mantle-gateway validate', () => {
  it('accepts the example config', async () => {
    expect(await run('validate', EXAMPLE_CONFIG)).toEqual({
      code: 0,
      stdout: `${EXAMPLE_CONFIG} is valid: 2 providers, 5 models.\n`,
      stderr: '',
    });
  });

  it.each([
    [
      'a route without an api_style',
      (config: { models: Array<Record<string, unknown> & { id: string }> }) => {
        const route = (documentNamed(config.models, 'qwen3-32b')['routes'] as Array<Record<string, unknown>>)[0]!;
        delete route['compatibility'];
      },
    ],
    [
      'a model naming an undefined provider',
      (config: { models: Array<Record<string, unknown> & { id: string }> }) => {
        const route = (documentNamed(config.models, 'gpt-55-bedrock')['routes'] as Array<Record<string, unknown>>)[0]!;
        route['provider'] = 'mantle-eu-west-1';
      },
    ],
    [
      'a bedrock-runtime model id and a duplicate model',
      (config: { models: Array<Record<string, unknown> & { id: string }> }) => {
        const route = (documentNamed(config.models, 'claude-opus-4-7')['routes'] as Array<Record<string, unknown>>)[0]!;
        route['upstream_model'] = 'us.anthropic.claude-opus-4-7-v1:0';
        config.models.push(documentNamed(config.models, 'qwen3-32b'));
      },
    ],
  ])('rejects %s with the validator’s own messages and exit code 1', async (_case, edit) => {
    const file = await dir.writeEdited('invalid.yaml', edit);
    const issues = await validatorIssues(file);
    expect(issues.length).toBeGreaterThan(0);
    expect(await run('validate', file)).toEqual({
      code: 1,
      stdout: '',
      stderr: `mantle-gateway: ${file} is not a valid gateway config:\n${issues.map((issue) => `  - ${issue}\n`).join('')}`,
    });
  });

  it('rejects a model too large for one SSM parameter', async () => {
    const file = await dir.writeEdited('large.yaml', (config) => {
      documentNamed(config.models, 'qwen3-32b')['description'] = 'x'.repeat(9000);
    });
    const result = await run('validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/mantle-gateway\/models\/qwen3-32b: the document is 9\d{3} bytes as JSON; an SSM parameter holds at most 8192\n$/);
  });

  it.each([
    ['a missing file', 'missing.yaml', async () => dir.file('missing.yaml'), (path: string) => `mantle-gateway: cannot read ${path}: no such file\n`],
    [
      'a YAML syntax error',
      'broken.yaml',
      async () => dir.write('broken.yaml', 'providers:\n  - id: a\n    region: [us-east-2\nmodels: []\n'),
      (path: string) => expect.stringMatching(new RegExp(`^mantle-gateway: ${path}: .+ at line \\d+, column \\d+:?\\n$`)),
    ],
  ])('explains %s in one line and exits 1', async (_case, _name, arrange, expected) => {
    const path = await arrange();
    const result = await run('validate', path);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expected(path) });
  });
});
