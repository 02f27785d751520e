/**
 * The options the `keys` and `principals` commands share: `--models a,b` and `--tags t` into grants, `--expires`
 * into an instant. Each problem is one CliError line naming the flag.
 */
import { GRANT_PATTERN } from '../lambda/auth/grants.js';
import { CliError } from './cli-errors.js';

/** `--models gpt-55-bedrock,claude-opus-4-7 --tags openai` -> `['gpt-55-bedrock', 'claude-opus-4-7', 'tag:openai']`. */
export function grantsFromOptions(models: string | undefined, tags: string | undefined): string[] {
  const grants = [...splitList(models, '--models'), ...splitList(tags, '--tags').map((tag) => `tag:${tag}`)];
  if (grants.length === 0) throw new CliError("grants are required: --models <ids> (or '*') and/or --tags <tags>", true);
  for (const grant of grants) {
    if (!GRANT_PATTERN.test(grant)) throw new CliError(`${JSON.stringify(grant)} is not a valid grant: use model ids, '*' or tags`, true);
  }
  return [...new Set(grants)];
}

function splitList(value: string | undefined, flag: string): string[] {
  if (value === undefined) return [];
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new CliError(`${flag} takes a comma-separated list without empty entries, got ${JSON.stringify(value)}`, true);
  return items;
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** `30m`, `12h`, `90d`, or an ISO 8601 date (midnight UTC) or date-time; must lie in the future. @returns ISO 8601 UTC */
export function expiryFromOption(value: string, now: Date = new Date()): string {
  const duration = DURATION.exec(value);
  let at: number;
  if (duration) {
    const amount = Number(duration[1]);
    if (amount <= 0) throw new CliError(`--expires ${value}: the duration must be positive`, true);
    at = now.getTime() + amount * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  } else if (ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) {
    at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  } else {
    throw new CliError(`--expires takes a duration (30m, 12h, 90d) or an ISO 8601 date-time (2027-01-31T00:00:00Z), got ${JSON.stringify(value)}`, true);
  }
  if (!Number.isFinite(at) || at > 8_640_000_000_000_000) throw new CliError(`--expires ${value} is out of range`, true);
  if (at <= now.getTime()) throw new CliError(`--expires ${value} is not in the future`, true);
  return new Date(at).toISOString();
}
