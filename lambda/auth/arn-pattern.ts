/**
 * Principal ARN patterns: exact, or with `*` matching any run of characters (`/` included, as in IAM policies).
 *
 * Lambda reports an assumed-role caller by its session ARN, `arn:aws:sts::111122223333:assumed-role/ROLE/SESSION`.
 * Patterns are also matched against the role ARN it stands for, `arn:aws:iam::111122223333:role/ROLE`, so an admin
 * can write the role ARN they know. The session ARN does not carry the role's path: for a role created with a
 * path (`role/team/ROLE`), write `arn:aws:iam::111122223333:role/ROLE` (no path) or
 * `arn:aws:sts::111122223333:assumed-role/ROLE/*`.
 */

const ASSUMED_ROLE = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** A pattern is an ARN (`arn:partition:service:region:account:resource`, any field may use `*`), no spaces. */
export const ARN_PATTERN = /^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S{1,1500}$/;
export const ARN_HINT = 'an ARN such as arn:aws:iam::111122223333:role/app, optionally with * wildcards';

export type ArnMatcher = (candidates: readonly string[]) => boolean;

export function compileArnPattern(pattern: string): RegExp {
  const body = pattern.split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${body}$`);
}

/** One matcher for all of a document's patterns. */
export function compileArnPatterns(patterns: readonly string[]): ArnMatcher {
  const compiled = patterns.map(compileArnPattern);
  return (candidates) => candidates.some((arn) => compiled.some((regex) => regex.test(arn)));
}

/** The caller ARN and, for an assumed-role session, the role ARN (without path) it stands for. */
export function callerArnCandidates(arn: string): readonly string[] {
  const session = ASSUMED_ROLE.exec(arn);
  if (!session) return [arn];
  const [, partition, account, role] = session;
  return [arn, `arn:${partition}:iam::${account}:role/${role}`];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
