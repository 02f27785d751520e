import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSM_PREFIX } from '../../lambda/config-store/parameter-layout.js';
import { DEPLOY_SETTINGS_SCHEMA, DEPLOY_SETTING_NAMES, DeploySettingsError, readDeploySettings } from '../../lib/deploy-settings.js';
import { CDK_JSON_CONTEXT, PROJECT_DIR } from './fixtures.js';

const KEY_EAST_2 = 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_WEST_2 = 'arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';

function issuesOf(context: Record<string, unknown>): readonly string[] {
  try {
    readDeploySettings(context);
  } catch (error) {
    if (error instanceof DeploySettingsError) return error.issues;
    throw error;
  }
  throw new Error('expected the settings to be rejected');
}

describe('deploy settings', () => {
  it('defaults to one region, the iam auth mode, /mantle-gateway and config/gateway.yaml', () => {
    expect(readDeploySettings({})).toEqual({
      regions: ['us-east-2'],
      stage: 'prod',
      ssmPrefix: DEFAULT_SSM_PREFIX,
      authMode: 'iam',
      memoryMiB: 512,
      timeoutSeconds: 900,
      logRetentionDays: 30,
      corsOrigins: [],
      configFile: 'config/gateway.yaml',
      configOwnership: 'seed',
      configTtlSeconds: 5,
      configFullReadSeconds: 300,
      secureStringKeyArns: [],
      retryAttemptsPerRoute: 3,
      retryBaseDelayMs: 250,
      retryBudgetSeconds: 30,
      routeCooldownSeconds: 30,
      streamIdleTimeoutSeconds: 60,
      alarmTopic: 'none',
      logLevel: 'INFO',
    });
  });

  it.each([
    ['none', 'none'],
    ['', 'none'],
    ['create', 'create'],
    ['arn:aws:sns:us-east-2:111122223333:ops', ['arn:aws:sns:us-east-2:111122223333:ops']],
  ])('reads alarmTopic %j', (raw, expected) => {
    expect(readDeploySettings({ alarmTopic: raw }).alarmTopic).toEqual(expected);
  });

  it('ships a cdk.json whose context lists every setting at its default', () => {
    for (const name of DEPLOY_SETTING_NAMES) expect(CDK_JSON_CONTEXT).toHaveProperty([name]);
    expect(readDeploySettings(CDK_JSON_CONTEXT)).toEqual(readDeploySettings({}));
  });

  it('reads -c strings: comma lists, JSON lists, numbers', () => {
    const settings = readDeploySettings({
      regions: 'us-east-1, us-east-2,us-west-2',
      corsOrigins: '["https://chat.example.com","http://localhost:5173"]',
      memoryMiB: '1024',
      timeoutSeconds: '600',
      reservedConcurrency: '20',
      logRetentionDays: '90',
      ssmPrefix: '/llm/gateway/',
      authMode: 'api_key',
      configOwnership: 'stack',
    });
    expect(settings).toMatchObject({
      regions: ['us-east-1', 'us-east-2', 'us-west-2'],
      corsOrigins: ['https://chat.example.com', 'http://localhost:5173'],
      memoryMiB: 1024,
      timeoutSeconds: 600,
      reservedConcurrency: 20,
      logRetentionDays: 90,
      ssmPrefix: '/llm/gateway',
      authMode: 'api_key',
      configOwnership: 'stack',
    });
  });

  it('leaves reserved concurrency unset for null, "" and "none"', () => {
    for (const value of [null, '', 'none']) expect(readDeploySettings({ reservedConcurrency: value })).not.toHaveProperty('reservedConcurrency');
  });

  it.each([
    ['regions', [], 'regions: must name at least one region'],
    ['regions', 'us-east-2,US-WEST-2', 'regions: "US-WEST-2" is not an AWS region (e.g. us-east-2)'],
    ['regions', ['us-east-2', 'us-east-2'], 'regions: lists us-east-2 more than once'],
    ['regions', 42, 'regions: must be a list of non-empty strings'],
    ['stage', 'prod_1', 'stage: "prod_1" is not valid: a letter, then letters, digits or "-" (at most 32)'],
    ['ssmPrefix', 'mantle-gateway', 'ssmPrefix: SSM prefix "mantle-gateway" is not valid: use an absolute path such as /mantle-gateway'],
    ['ssmPrefix', '/aws/gateway', 'ssmPrefix: "/aws/gateway" is reserved by Parameter Store'],
    ['authMode', 'cognito', 'authMode: must be one of api_key, iam, got "cognito"'],
    ['memoryMiB', '1.5', 'memoryMiB: must be a whole number of MiB, got "1.5"'],
    ['memoryMiB', 64, 'memoryMiB: must be between 128 and 10240 MiB, got 64'],
    ['timeoutSeconds', 901, 'timeoutSeconds: must be between 30 and 900 seconds, got 901'],
    ['reservedConcurrency', 0, 'reservedConcurrency: must be between 1 and 100000 concurrent executions, got 0'],
    ['logRetentionDays', 10, 'logRetentionDays: must be one of 1, 3, 5, 7, 14, 30,'],
    ['corsOrigins', ['*', 'https://a.example'], 'corsOrigins: "*" allows every origin and cannot be combined with others'],
    ['corsOrigins', 'https://a.example/app', 'corsOrigins: "https://a.example/app": an origin is "*" or scheme://host[:port] with no path'],
    ['corsOrigins', '[https://a.example', 'corsOrigins: "[https://a.example" is not a JSON list'],
    ['configFile', ' ', 'configFile: must be a path to a YAML file'],
    ['configOwnership', 'admin', 'configOwnership: must be one of seed, stack, got "admin"'],
    ['configTtlSeconds', 0, 'configTtlSeconds: must be between 1 and 3600 seconds, got 0'],
    ['configFullReadSeconds', 30, 'configFullReadSeconds: must be between 60 and 86400 seconds, got 30'],
    ['secureStringKeyArns', 'alias/aws/ssm', 'secureStringKeyArns: "alias/aws/ssm": a KMS key ARN looks like'],
    ['secureStringKeyArns', [KEY_EAST_2, KEY_EAST_2.replace('key/1', 'key/2')], 'secureStringKeyArns: names more than one key for us-east-2'],
    ['secureStringKeyArns', [KEY_WEST_2], 'secureStringKeyArns: no key for us-east-2 (give one key ARN per deployed region)'],
    ['alarmTopic', 'sns', 'alarmTopic: "sns": an SNS topic ARN looks like'],
    ['alarmTopic', 'arn:aws:sns:us-west-2:111122223333:ops', 'alarmTopic: no topic for us-east-2'],
    ['alarmTopic', ['arn:aws:sns:us-east-2:111122223333:a', 'arn:aws:sns:us-east-2:111122223333:b'], 'alarmTopic: names more than one topic for us-east-2'],
    ['logLevel', 'TRACE', 'logLevel: must be one of DEBUG, INFO, WARN, ERROR, got "TRACE"'],
  ])('rejects %s = %j', (name, value, message) => {
    const issues = issuesOf({ [name]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(message);
  });

  it.each([
    ['region', 'regions'],
    ['authmode', 'authMode'],
    ['ssm_prefix', 'ssmPrefix'],
  ])('reports %s as a likely typo of %s', (typo, name) => {
    expect(issuesOf({ [typo]: 'x' })).toEqual([`${typo}: unknown setting; did you mean ${name}?`]);
  });

  it('reports every problem at once, in one message naming where settings come from', () => {
    const error = (() => {
      try {
        readDeploySettings({ authMode: 'none', memoryMiB: 'lots', regions: 'mars-1' });
      } catch (caught) {
        return caught as DeploySettingsError;
      }
      throw new Error('expected a DeploySettingsError');
    })();
    expect(error.issues).toHaveLength(3);
    expect(error.message).toMatch(/^invalid deploy settings \(CDK context in cdk\.json or -c key=value\):\n {2}- regions: /);
  });

  describe('documentation of the defaults', () => {
    const source = readFileSync(join(PROJECT_DIR, 'lib/deploy-settings.ts'), 'utf8');
    const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');

    /** `@default <value> (remark)` of each `DeploySettings` member; the value as JSON, `undefined` for unset. */
    function documentedDefaults(): Map<string, unknown> {
      const body = /export interface DeploySettings \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
      const defaults = new Map<string, unknown>();
      for (const [, comment = '', name = ''] of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)/g)) {
        const raw = /@default (.*?)(?: \(.*)?\s*$/.exec(comment.replace(/\s*\n\s*\*\s*/g, ' ').trim())?.[1];
        defaults.set(name, raw === undefined || raw === 'undefined' ? undefined : JSON.parse(raw.replace(/'/g, '"')));
      }
      return defaults;
    }

    /** The README's settings table: `| \`name\` | \`default\` | ... |`, `unset` for no default. */
    function readmeDefaults(): Map<string, unknown> {
      const defaults = new Map<string, unknown>();
      for (const [, name = '', cell = ''] of readme.matchAll(/^\| `(\w+)` \| ([^|]*?) \|/gm)) {
        if (!(DEPLOY_SETTING_NAMES as string[]).includes(name)) continue;
        const value = /^`(.*)`$/.exec(cell)?.[1];
        defaults.set(name, value === undefined ? (cell === 'unset' ? undefined : cell) : /^[[\d]/.test(value) ? JSON.parse(value) : value);
      }
      return defaults;
    }

    const schemaDefaults = () => new Map(DEPLOY_SETTING_NAMES.map((name) => [name, DEPLOY_SETTINGS_SCHEMA[name].default as unknown]));

    it('gives every setting the default the schema applies in its doc comment (@default)', () => {
      expect(documentedDefaults()).toEqual(schemaDefaults());
    });

    it('gives every setting the default the schema applies in the README table', () => {
      expect(readmeDefaults()).toEqual(schemaDefaults());
    });
  });
});
