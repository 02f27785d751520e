/**
 * How a route configuration lives in SSM Parameter Store: one String parameter per provider and per model, each
 * holding that one document as JSON, exactly as written in the config file.
 *
 *   <prefix>/providers/<provider id>   {"id": "...", "type": "aws_bedrock", ...}
 *   <prefix>/models/<model id>         {"id": "...", "routes": [...]}
 *
 * One parameter per document keeps each under the 4 KB standard-tier limit for typical models, lets an admin
 * edit one model with a single `aws ssm put-parameter --overwrite`, and lets a bad edit be held back alone.
 * Shared by the CDK app (seeding), the admin CLI (push, pull, diff) and the Lambda's store (reading).
 */

export type DocumentKind = 'providers' | 'models';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['providers', 'models'];

/** @default '/mantle-gateway' */
export const DEFAULT_SSM_PREFIX = '/mantle-gateway';

const PREFIX_PATTERN = /^(\/[A-Za-z0-9_.-]+)+$/;

/** Validates a prefix: absolute, no trailing slash, SSM's name alphabet. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!PREFIX_PATTERN.test(trimmed)) {
    throw new Error(`SSM prefix ${JSON.stringify(prefix)} is not valid: use an absolute path such as /mantle-gateway`);
  }
  return trimmed;
}

export function parameterName(prefix: string, kind: DocumentKind, id: string): string {
  return `${prefix}/${kind}/${id}`;
}

/** Splits a parameter name under the prefix into kind and id, or undefined for names outside the layout. */
export function parseParameterName(prefix: string, name: string): { kind: DocumentKind; id: string } | undefined {
  if (!name.startsWith(`${prefix}/`)) return undefined;
  const [kind, id, ...rest] = name.slice(prefix.length + 1).split('/');
  if (rest.length > 0 || !id || (kind !== 'providers' && kind !== 'models')) return undefined;
  return { kind, id };
}

/** A route configuration file's top level as written: lists of provider and model documents. */
export interface ConfigDocument {
  readonly providers?: readonly unknown[];
  readonly models?: readonly unknown[];
}

/**
 * The parameters for a config document as written (`{providers: [...], models: [...]}`), name to JSON value.
 * Call it on a document that `validateGatewayConfig` accepted.
 */
export function toParameters(prefix: string, document: ConfigDocument): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const kind of DOCUMENT_KINDS) {
    for (const item of document[kind] ?? []) {
      const id = (item as { id: string }).id;
      parameters.set(parameterName(prefix, kind, id), JSON.stringify(item));
    }
  }
  return parameters;
}

/**
 * The largest document a parameter holds: 8 KB, the advanced tier's limit (standard holds 4 KB). The admin CLI
 * writes with `Intelligent-Tiering`, so a document pays for the advanced tier only when it needs it.
 */
export const MAX_PARAMETER_VALUE_BYTES = 8192;

/** Messages for documents too large for one parameter, in the validator's `where: problem` style. */
export function oversizedParameters(parameters: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of parameters) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_PARAMETER_VALUE_BYTES) {
      problems.push(`${name}: the document is ${bytes} bytes as JSON; an SSM parameter holds at most ${MAX_PARAMETER_VALUE_BYTES}`);
    }
  }
  return problems;
}
