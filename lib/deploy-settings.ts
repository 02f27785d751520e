/**
 * The deploy settings of the CDK app: CDK context from `cdk.json`, each overridable with `-c key=value`.
 *
 * One declarative schema ({@link DEPLOY_SETTINGS_SCHEMA}) gives each setting its default and its parser; every
 * problem is collected and reported at once, naming the setting, so a bad `-c` fails `cdk synth` before
 * anything is built. Values from `-c` arrive as strings (`-c memoryMiB=1024`, `-c regions=us-east-1,us-west-2`),
 * values from `cdk.json` as JSON: both are accepted.
 */
import { normalizePrefix, DEFAULT_SSM_PREFIX } from '../lambda/config-store/parameter-layout.js';

/** How callers authenticate to the function URL. */
export type CallerAuthMode = 'api_key' | 'iam';
export const CALLER_AUTH_MODES: readonly CallerAuthMode[] = ['api_key', 'iam'];

/** Who owns the route-config parameters after the first deploy (see docs/adr/0002-ssm-config-ownership.md). */
export type ConfigOwnership = 'seed' | 'stack';
export const CONFIG_OWNERSHIPS: readonly ConfigOwnership[] = ['seed', 'stack'];

/** The retention periods CloudWatch Logs accepts, in days (never-expire is deliberately not offered). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export interface DeploySettings {
  /** Regions to deploy the gateway into, one stack each. @default ['us-east-2'] */
  readonly regions: readonly string[];
  /** Names this deployment; part of each CloudFormation stack name (`MantleGateway-<stage>-<region>`). @default 'prod' */
  readonly stage: string;
  /** Where the route configuration lives in SSM Parameter Store. @default '/mantle-gateway' */
  readonly ssmPrefix: string;
  /**
   * `iam`: the function URL requires SigV4 (`AWS_IAM`). `api_key`: the URL is open (`NONE`) for gateway API keys,
   * which are not built yet, so the URL is public in this mode. @default 'iam'
   */
  readonly authMode: CallerAuthMode;
  /** Lambda memory; the gateway mostly waits on Mantle, and memory multiplies the cost of that wait. @default 512 */
  readonly memoryMiB: number;
  /** Lambda timeout, which bounds a whole streamed answer; Lambda's cap is 900. @default 900 */
  readonly timeoutSeconds: number;
  /** Reserved concurrency: a cap on simultaneous requests (and on spend). @default undefined (account pool) */
  readonly reservedConcurrency?: number;
  /** CloudWatch Logs retention of the function's log group. @default 30 */
  readonly logRetentionDays: number;
  /** Browser origins allowed by the function URL's CORS; empty means no CORS. @default [] */
  readonly corsOrigins: readonly string[];
  /** The route configuration file, relative to the project directory. @default 'config/gateway.yaml' */
  readonly configFile: string;
  /** `seed`: the stack writes each parameter only if it is missing. `stack`: the stack owns them. @default 'seed' */
  readonly configOwnership: ConfigOwnership;
  /** How long a warm function keeps the route config before re-reading SSM. @default 5 */
  readonly configTtlSeconds: number;
  /**
   * The safety net: every document is re-read at least this often even if the revision marker did not move
   * (`GATEWAY_CONFIG_FULL_READ_SECONDS`). @default 300
   */
  readonly configFullReadSeconds: number;
  /**
   * Customer managed KMS keys that encrypt the SecureStrings (bearer tokens), one per deployed region (keys are
   * regional). @default [] (the AWS managed `aws/ssm` key of each region)
   */
  readonly secureStringKeyArns: readonly string[];
  /** Tries of one route before the next takes over (`GATEWAY_RETRY_ATTEMPTS_PER_ROUTE`). @default 3 */
  readonly retryAttemptsPerRoute: number;
  /** First backoff bound in ms, doubled per retry, full jitter (`GATEWAY_RETRY_BASE_DELAY_MS`). @default 250 */
  readonly retryBaseDelayMs: number;
  /** No new attempt starts this long after the first (`GATEWAY_RETRY_BUDGET_SECONDS`). @default 30 */
  readonly retryBudgetSeconds: number;
  /** How long an environment skips a route that failed a whole request (`GATEWAY_ROUTE_COOLDOWN_SECONDS`). @default 30 */
  readonly routeCooldownSeconds: number;
  /** A started stream with no bytes for this long is ended with an in-band error (`GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS`). @default 60 */
  readonly streamIdleTimeoutSeconds: number;
  /**
   * Where the alarms notify: `none`, `create` (a topic per region; subscribe to it after the deploy), or existing
   * SNS topic ARNs, one per deployed region (alarms notify topics of their own region). @default 'none'
   */
  readonly alarmTopic: AlarmTopicChoice;
  /** The function's log level (`POWERTOOLS_LOG_LEVEL`). @default 'INFO' */
  readonly logLevel: LogLevel;
}

export type AlarmTopicChoice = 'none' | 'create' | readonly string[];

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Every problem in the deploy settings, one line each, naming the setting. */
export class DeploySettingsError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid deploy settings (CDK context in cdk.json or -c key=value):\n  - ${issues.join('\n  - ')}`);
    this.name = 'DeploySettingsError';
  }
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
type Parser<T> = (raw: unknown) => Parsed<T>;

interface Field<T> {
  readonly description: string;
  /** Used when the context leaves the setting out (or sets it to null). */
  readonly default: T;
  readonly parse: Parser<T>;
}

type Schema = { readonly [K in keyof DeploySettings]-?: Field<DeploySettings[K]> };

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const STAGE = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;
/** Parameter Store reserves these top-level names. */
const RESERVED_PREFIX = /^\/(aws|ssm)(\/|$)/i;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });
const shown = (raw: unknown): string => JSON.stringify(raw) ?? String(raw);

function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) =>
    typeof raw === 'string' && (choices as readonly string[]).includes(raw)
      ? ok(raw as T)
      : fail(`must be one of ${choices.join(', ')}, got ${shown(raw)}`);
}

function integer(min: number, max: number, unit: string): Parser<number> {
  return (raw) => {
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail(`must be a whole number of ${unit}, got ${shown(raw)}`);
    if (value < min || value > max) return fail(`must be between ${min} and ${max} ${unit}, got ${value}`);
    return ok(value);
  };
}

function optional<T>(parser: Parser<T>): Parser<T | undefined> {
  return (raw) => (raw === '' || raw === 'none' ? ok(undefined) : parser(raw));
}

function text(pattern: RegExp, hint: string): Parser<string> {
  return (raw) =>
    typeof raw === 'string' && pattern.test(raw) ? ok(raw) : fail(`${shown(raw)} is not valid: ${hint}`);
}

/** A list from JSON (`["a","b"]`), from a JSON string, or from a comma-separated `-c` string. */
function stringList(raw: unknown): Parsed<string[]> {
  let value = raw;
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    if (trimmed.startsWith('[')) {
      try {
        value = JSON.parse(trimmed);
      } catch {
        return fail(`${shown(raw)} is not a JSON list`);
      }
    } else {
      value = trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
    }
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    return fail(`must be a list of non-empty strings (JSON list, or comma-separated with -c), got ${shown(raw)}`);
  }
  return ok(value as string[]);
}

function regions(raw: unknown): Parsed<string[]> {
  const list = stringList(raw);
  if (!list.ok) return list;
  if (list.value.length === 0) return fail('must name at least one region');
  const bad = list.value.filter((region) => !REGION.test(region));
  if (bad.length > 0) return fail(`${bad.map(shown).join(', ')} ${bad.length === 1 ? 'is not an AWS region' : 'are not AWS regions'} (e.g. us-east-2)`);
  const duplicates = list.value.filter((region, index) => list.value.indexOf(region) !== index);
  if (duplicates.length > 0) return fail(`lists ${[...new Set(duplicates)].join(', ')} more than once`);
  return list;
}

function corsOrigins(raw: unknown): Parsed<string[]> {
  const list = stringList(raw);
  if (!list.ok) return list;
  if (list.value.includes('*') && list.value.length > 1) return fail('"*" allows every origin and cannot be combined with others');
  const bad = list.value.filter((origin) => origin !== '*' && !isOrigin(origin));
  if (bad.length > 0) return fail(`${bad.map(shown).join(', ')}: an origin is "*" or scheme://host[:port] with no path`);
  return list;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function ssmPrefix(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string') return fail(`must be an absolute SSM path such as /mantle-gateway, got ${shown(raw)}`);
  let prefix: string;
  try {
    prefix = normalizePrefix(raw);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (RESERVED_PREFIX.test(prefix)) return fail(`${shown(raw)} is reserved by Parameter Store (names may not begin with /aws or /ssm)`);
  return ok(prefix);
}

function kmsKeyArns(raw: unknown): Parsed<string[]> {
  const list = stringList(raw);
  if (!list.ok) return list;
  const bad = list.value.filter((arn) => !KMS_KEY_ARN.test(arn));
  if (bad.length > 0) return fail(`${bad.map(shown).join(', ')}: a KMS key ARN looks like arn:aws:kms:us-east-2:111122223333:key/1234abcd-...`);
  const regions = list.value.map(keyRegion);
  const repeated = regions.filter((region, index) => regions.indexOf(region) !== index);
  if (repeated.length > 0) return fail(`names more than one key for ${[...new Set(repeated)].join(', ')}`);
  return list;
}

/** The region of a KMS key ARN (validated). */
export function keyRegion(arn: string): string {
  return KMS_KEY_ARN.exec(arn)?.[1] ?? '';
}

function alarmTopic(raw: unknown): Parsed<AlarmTopicChoice> {
  if (raw === 'none' || raw === '' || raw === 'create') return ok(raw === 'create' ? 'create' : 'none');
  const list = stringList(raw);
  if (!list.ok || list.value.length === 0) return fail(`must be none, create, or SNS topic ARNs (one per region), got ${shown(raw)}`);
  const bad = list.value.filter((arn) => !SNS_TOPIC_ARN.test(arn));
  if (bad.length > 0) return fail(`${bad.map(shown).join(', ')}: an SNS topic ARN looks like arn:aws:sns:us-east-2:111122223333:alarms`);
  const regions = list.value.map(topicRegion);
  const repeated = regions.filter((region, index) => regions.indexOf(region) !== index);
  if (repeated.length > 0) return fail(`names more than one topic for ${[...new Set(repeated)].join(', ')}`);
  return list;
}

/** The region of an SNS topic ARN (validated). */
export function topicRegion(arn: string): string {
  return SNS_TOPIC_ARN.exec(arn)?.[1] ?? '';
}

function configFile(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && raw.trim().length > 0 ? ok(raw) : fail(`must be a path to a YAML file, got ${shown(raw)}`);
}

/** The settings, their defaults and parsers; the single source for validation and for the README's table. */
export const DEPLOY_SETTINGS_SCHEMA: Schema = {
  regions: { description: 'regions to deploy into, one stack each', default: ['us-east-2'], parse: regions },
  stage: {
    description: 'deployment name, part of the CloudFormation stack names',
    default: 'prod',
    parse: text(STAGE, 'a letter, then letters, digits or "-" (at most 32)'),
  },
  ssmPrefix: { description: 'SSM path holding the route configuration', default: DEFAULT_SSM_PREFIX, parse: ssmPrefix },
  authMode: { description: 'caller auth on the function URL', default: 'iam', parse: oneOf(CALLER_AUTH_MODES) },
  memoryMiB: { description: 'Lambda memory in MiB', default: 512, parse: integer(128, 10240, 'MiB') },
  timeoutSeconds: { description: 'Lambda timeout, bounds a streamed answer', default: 900, parse: integer(30, 900, 'seconds') },
  reservedConcurrency: {
    description: 'reserved concurrency (unset: the account pool)',
    default: undefined,
    parse: optional(integer(1, 100_000, 'concurrent executions')),
  },
  logRetentionDays: {
    description: 'log group retention in days',
    default: 30,
    parse: (raw) => {
      const days = integer(1, 3653, 'days')(raw);
      if (days.ok && !LOG_RETENTION_DAYS.includes(days.value)) {
        return fail(`must be one of ${LOG_RETENTION_DAYS.join(', ')} (what CloudWatch Logs accepts), got ${days.value}`);
      }
      return days;
    },
  },
  corsOrigins: { description: 'CORS origins of the function URL (empty: no CORS)', default: [], parse: corsOrigins },
  configFile: { description: 'route configuration file', default: 'config/gateway.yaml', parse: configFile },
  configOwnership: {
    description: 'seed: write parameters only when missing; stack: CloudFormation owns them',
    default: 'seed',
    parse: oneOf(CONFIG_OWNERSHIPS),
  },
  configTtlSeconds: { description: 'seconds a warm function keeps the route config', default: 5, parse: integer(1, 3600, 'seconds') },
  configFullReadSeconds: {
    description: 'seconds between safety-net full reads of every document',
    default: 300,
    parse: integer(60, 86_400, 'seconds'),
  },
  secureStringKeyArns: {
    description: 'customer managed KMS keys of the SecureStrings, one per region (empty: aws/ssm)',
    default: [],
    parse: kmsKeyArns,
  },
  retryAttemptsPerRoute: { description: 'tries of one route before the next route takes over', default: 3, parse: integer(1, 10, 'attempts') },
  retryBaseDelayMs: { description: 'first retry backoff bound (doubled per retry, full jitter)', default: 250, parse: integer(0, 10_000, 'ms') },
  retryBudgetSeconds: { description: 'no new attempt starts after this long', default: 30, parse: integer(0, 900, 'seconds') },
  routeCooldownSeconds: { description: 'how long an environment skips a route that failed a whole request', default: 30, parse: integer(0, 3600, 'seconds') },
  streamIdleTimeoutSeconds: { description: 'a started stream silent this long ends with an in-band error', default: 60, parse: integer(1, 900, 'seconds') },
  alarmTopic: {
    description: 'alarm notifications: none, create, or existing SNS topic ARNs (one per region)',
    default: 'none',
    parse: alarmTopic,
  },
  logLevel: { description: 'the function\'s log level', default: 'INFO', parse: oneOf(LOG_LEVELS) },
};

export const DEPLOY_SETTING_NAMES = Object.keys(DEPLOY_SETTINGS_SCHEMA) as (keyof DeploySettings)[];

/**
 * Reads and validates the deploy settings from CDK context.
 *
 * @param context all context values (`app.node.getAllContext()`); keys the gateway does not know are ignored,
 *   except near misses of its own names (`region`, `authmode`), which are reported as likely typos.
 * @throws DeploySettingsError listing every problem.
 * @example
 * const settings = readDeploySettings(app.node.getAllContext());
 */
export function readDeploySettings(context: Readonly<Record<string, unknown>>): DeploySettings {
  const issues: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const name of DEPLOY_SETTING_NAMES) {
    const field = DEPLOY_SETTINGS_SCHEMA[name] as Field<unknown>;
    const raw = context[name];
    if (raw === undefined || raw === null) {
      if (field.default !== undefined) settings[name] = field.default;
      continue;
    }
    const parsed = field.parse(raw);
    if (!parsed.ok) issues.push(`${name}: ${parsed.problem}`);
    else if (parsed.value !== undefined) settings[name] = parsed.value;
  }
  issues.push(...missingKeys(settings), ...missingTopics(settings), ...likelyTypos(Object.keys(context)));
  if (issues.length > 0) throw new DeploySettingsError(issues);
  return settings as unknown as DeploySettings;
}

/** With customer managed keys, every deployed region needs its own (a key never leaves its region). */
function missingKeys(settings: Record<string, unknown>): string[] {
  const keys = settings['secureStringKeyArns'] as string[] | undefined;
  const regions = settings['regions'] as string[] | undefined;
  if (!keys || keys.length === 0 || !regions) return [];
  const covered = new Set(keys.map(keyRegion));
  const missing = regions.filter((region) => !covered.has(region));
  return missing.length > 0 ? [`secureStringKeyArns: no key for ${missing.join(', ')} (give one key ARN per deployed region)`] : [];
}

/** Existing alarm topics must cover every deployed region. */
function missingTopics(settings: Record<string, unknown>): string[] {
  const topics = settings['alarmTopic'];
  const regions = settings['regions'] as string[] | undefined;
  if (!Array.isArray(topics) || !regions) return [];
  const covered = new Set((topics as string[]).map(topicRegion));
  const missing = regions.filter((region) => !covered.has(region));
  return missing.length > 0 ? [`alarmTopic: no topic for ${missing.join(', ')} (give one topic ARN per deployed region, or create)`] : [];
}

function likelyTypos(keys: readonly string[]): string[] {
  const known = new Set<string>(DEPLOY_SETTING_NAMES);
  const normal = (key: string): string => key.toLowerCase().replace(/[-_]/g, '').replace(/s$/, '');
  return keys
    .filter((key) => !known.has(key))
    .flatMap((key) => {
      const match = DEPLOY_SETTING_NAMES.find((name) => normal(name) === normal(key));
      return match ? [`${key}: unknown setting; did you mean ${match}?`] : [];
    });
}
