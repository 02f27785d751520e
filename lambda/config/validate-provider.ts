import { IssueList, readObject, readOneOf, readString, type Doc } from './document-reader.js';
import type { BearerTokenRef, Provider, ProviderAuth, ProviderDisplay } from './types.js';

const PROVIDER_KEYS = ['id', 'type', 'region', 'endpoint_kind', 'endpoint', 'auth', 'display'] as const;
const AUTH_KEYS = ['mode', 'token'] as const;
const DISPLAY_KEYS = ['label', 'icon_key'] as const;

/** Ids become SSM parameter name segments (`<prefix>/providers/<id>`), so they use SSM's name alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ID_HINT = 'use letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit)';
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const ENV_TOKEN = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const SSM_TOKEN = /^ssm:(\/[A-Za-z0-9_.\-/]+)$/;

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/**
 * Validates one provider document.
 *
 * @example
 * const result = validateProvider({ id: 'mantle-east', type: 'aws_bedrock', region: 'us-east-2',
 *   auth: { mode: 'default_chain' } });
 */
export function validateProvider(raw: unknown, fallbackLabel = 'provider'): Validated<Provider> {
  const issues = new IssueList();
  const id = raw && typeof raw === 'object' && typeof (raw as Doc)['id'] === 'string' ? (raw as Doc)['id'] : undefined;
  const where = id === undefined ? fallbackLabel : `provider ${JSON.stringify(id)}`;
  const doc = readObject(raw, where, '', PROVIDER_KEYS, issues);
  if (!doc) return { ok: false, issues: issues.messages };

  const validId = readString(doc, 'id', where, issues, { required: true, pattern: ID_PATTERN, hint: ID_HINT });
  readOneOf(doc, 'type', where, issues, ['aws_bedrock'], { required: true });
  readOneOf(doc, 'endpoint_kind', where, issues, ['bedrock_mantle'], { required: false });
  const region = readString(doc, 'region', where, issues, {
    required: true,
    pattern: REGION_PATTERN,
    hint: 'an AWS region such as us-east-2',
  });
  const endpoint = readEndpoint(doc, where, issues);
  const auth = readAuth(doc['auth'], where, issues);
  const display = readDisplay(doc['display'], where, issues);

  if (!issues.empty || validId === undefined || region === undefined || auth === undefined) {
    return { ok: false, issues: issues.messages };
  }
  const provider: Provider = {
    id: validId,
    type: 'aws_bedrock',
    endpoint_kind: 'bedrock_mantle',
    region,
    endpoint: endpoint ?? `https://bedrock-mantle.${region}.api.aws`,
    auth,
    ...(display ? { display } : {}),
  };
  return { ok: true, value: provider };
}

function readEndpoint(doc: Doc, where: string, issues: IssueList): string | undefined {
  const value = readString(doc, 'endpoint', where, issues, { required: false });
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.add(where, `endpoint ${JSON.stringify(value)} is not a URL`);
    return undefined;
  }
  const problem =
    url.protocol !== 'https:' && url.protocol !== 'http:'
      ? 'must use https (or http for a local simulator)'
      : url.username || url.password
        ? 'must not carry credentials'
        : url.search || url.hash
          ? 'must not have a query or fragment'
          : url.pathname !== '/'
            ? 'must not have a path (Mantle paths are added per route)'
            : undefined;
  if (problem) {
    issues.add(where, `endpoint ${problem}`);
    return undefined;
  }
  return url.origin;
}

function readAuth(value: unknown, where: string, issues: IssueList): ProviderAuth | undefined {
  // Leaving auth out means the role: the safe default for a Lambda deployment.
  if (value === undefined || value === null) return { mode: 'default_chain' };
  const auth = readObject(value, where, 'auth', AUTH_KEYS, issues);
  if (!auth) return undefined;
  const mode = readOneOf(auth, 'mode', where, issues, ['default_chain', 'bearer'], { required: true, field: 'auth.mode' });
  if (mode === 'default_chain') {
    if (auth['token'] !== undefined) issues.add(where, 'auth.token is only for auth.mode bearer');
    return { mode };
  }
  if (mode !== 'bearer') return undefined;
  const token = readString(auth, 'token', where, issues, { required: true, field: 'auth.token' });
  if (token === undefined) return undefined;
  const ref = parseTokenRef(token);
  if (!ref) {
    // Never echo the value: an admin may have pasted the key itself.
    issues.add(where, 'auth.token must be env.NAME or ssm:/parameter/path, never the key itself');
    return undefined;
  }
  return { mode, token: ref };
}

function parseTokenRef(token: string): BearerTokenRef | undefined {
  const env = ENV_TOKEN.exec(token);
  if (env?.[1]) return { source: 'env', name: env[1] };
  const ssm = SSM_TOKEN.exec(token);
  if (ssm?.[1]) return { source: 'ssm', name: ssm[1] };
  return undefined;
}

function readDisplay(value: unknown, where: string, issues: IssueList): ProviderDisplay | undefined {
  if (value === undefined || value === null) return undefined;
  const display = readObject(value, where, 'display', DISPLAY_KEYS, issues);
  if (!display) return undefined;
  const label = readString(display, 'label', where, issues, { required: false, field: 'display.label' });
  const iconKey = readString(display, 'icon_key', where, issues, { required: false, field: 'display.icon_key' });
  return { ...(label ? { label } : {}), ...(iconKey ? { icon_key: iconKey } : {}) };
}
