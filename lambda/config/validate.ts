import { IssueList, isDoc, readObject } from './document-reader.js';
import { validateModel } from './validate-model.js';
import { validateProvider } from './validate-provider.js';
import type { GatewayConfig, Model, Provider } from './types.js';

/** A config that failed validation; `issues` holds one line per problem, each naming where it is. */
export class ConfigValidationError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid gateway config:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates a whole route configuration (`{providers, models}`) and returns it normalized, or throws
 * {@link ConfigValidationError} listing every problem. The one validator behind `cdk synth`, the admin CLI and
 * the Lambda: keep it free of I/O.
 *
 * @example
 * const config = validateGatewayConfig(YAML.parse(readFileSync('config/gateway.yaml', 'utf8')));
 */
export function validateGatewayConfig(raw: unknown): GatewayConfig {
  const issues = new IssueList();
  const doc = readObject(raw, 'config', '', ['providers', 'models'], issues);
  if (!doc) throw new ConfigValidationError(issues.messages);
  const rawProviders = readList(doc, 'providers', issues);
  const rawModels = readList(doc, 'models', issues);

  const providers = collectUnique(rawProviders, 'provider', issues, (item, index) =>
    validateProvider(item, `providers[${index}]`),
  );
  const providerIds = new Set(rawProviders.map(idOf).filter((id): id is string => id !== undefined));
  const models = collectUnique(rawModels, 'model', issues, (item, index) =>
    validateModel(item, providerIds, `models[${index}]`),
  );
  if (!issues.empty) throw new ConfigValidationError(issues.messages);
  return { providers: providers as Provider[], models: models as Model[] };
}

function readList(doc: Record<string, unknown>, key: string, issues: IssueList): unknown[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add('config', `${key} must be a list`);
    return [];
  }
  return value;
}

function idOf(item: unknown): string | undefined {
  return isDoc(item) && typeof item['id'] === 'string' ? item['id'] : undefined;
}

function collectUnique<T extends { id: string }>(
  items: unknown[],
  kind: string,
  issues: IssueList,
  validate: (item: unknown, index: number) => { ok: true; value: T } | { ok: false; issues: string[] },
): T[] {
  const seen = new Set<string>();
  const values: T[] = [];
  items.forEach((item, index) => {
    const id = idOf(item);
    if (id !== undefined && seen.has(id)) issues.add(`${kind} ${JSON.stringify(id)}`, `duplicate id (${kind}s[${index}])`);
    if (id !== undefined) seen.add(id);
    const result = validate(item, index);
    if (result.ok) values.push(result.value);
    else issues.messages.push(...result.issues);
  });
  return values;
}
