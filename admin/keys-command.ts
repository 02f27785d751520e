/**
 * `keys create | list | revoke | delete`: gateway API keys, in SSM or a keys file. The key is printed once, as the
 * last line of stdout, alone, so a script can capture it (`| tail -n 1`); only its hash is stored.
 */
import { generateApiKey } from '../lambda/auth/api-key.js';
import { validateKeyDocument, type KeyDocument } from '../lambda/auth/caller-documents.js';
import type { CallerDocumentStore } from './caller-document-store.js';
import { CliError } from './cli-errors.js';
import type { CommandOutput } from './command-context.js';

export interface CreateKeyOptions {
  readonly name: string;
  readonly grants: readonly string[];
  readonly expiresAt?: string;
}

export async function createKeyCommand(store: CallerDocumentStore, options: CreateKeyOptions, output: CommandOutput): Promise<void> {
  const key = generateApiKey();
  const document: KeyDocument = {
    id: key.keyId,
    name: options.name,
    hash: key.hash,
    grants: options.grants,
    ...(options.expiresAt ? { expires_at: options.expiresAt } : {}),
    created_at: new Date().toISOString(),
  };
  const checked = validateKeyDocument(document);
  if (!checked.ok) throw new CliError(checked.issues.join('; '), true);
  await store.put('keys', key.keyId, { ...document }, true);
  await store.committed();
  output.stdout(
    `Created key ${key.keyId} (${options.name}) in ${store.label}: grants ${options.grants.join(', ')}; ` +
      `${options.expiresAt ? `expires ${options.expiresAt}` : 'no expiry'}.\n` +
      'The key is shown once, on the next line; only its hash is stored.\n' +
      `${key.key}\n`,
  );
}

export async function listKeysCommand(store: CallerDocumentStore, output: CommandOutput, now = Date.now()): Promise<void> {
  const documents = await store.list('keys');
  if (documents.size === 0) {
    output.stdout(`No keys in ${store.label}.\n`);
    return;
  }
  const rows = [['ID', 'NAME', 'GRANTS', 'EXPIRES', 'STATE', 'CREATED']];
  for (const [id, raw] of [...documents].sort(([a], [b]) => a.localeCompare(b))) {
    const checked = validateKeyDocument(raw);
    if (!checked.ok) {
      rows.push([id, '-', '-', '-', 'invalid (refused)', '-']);
      continue;
    }
    const key = checked.value;
    rows.push([id, key.name, key.grants.join(','), key.expires_at ?? 'never', keyState(key, now), key.created_at]);
  }
  output.stdout(table(rows));
}

export async function revokeKeyCommand(store: CallerDocumentStore, id: string, output: CommandOutput): Promise<void> {
  const key = await existingKey(store, id);
  await store.put('keys', id, { ...key, disabled: true }, false);
  await store.committed();
  output.stdout(`Revoked key ${id} (${key.name}) in ${store.label}; it stays listed as revoked (keys delete removes it).\n`);
}

export async function deleteKeyCommand(store: CallerDocumentStore, id: string, output: CommandOutput): Promise<void> {
  if (!(await store.delete('keys', id))) throw new CliError(`no key ${id} in ${store.label}`);
  await store.committed();
  output.stdout(`Deleted key ${id} from ${store.label}.\n`);
}

async function existingKey(store: CallerDocumentStore, id: string): Promise<KeyDocument> {
  const raw = (await store.list('keys')).get(id);
  if (raw === undefined) throw new CliError(`no key ${id} in ${store.label}`);
  const checked = validateKeyDocument(raw);
  // Gateways refuse it already; rewriting it could look like a fix. Delete it instead.
  if (!checked.ok) throw new CliError(`key ${id} in ${store.label} is invalid (${checked.issues.join('; ')}); gateways refuse it already: keys delete ${id} removes it`);
  return checked.value;
}

function keyState(key: KeyDocument, now: number): string {
  if (key.disabled) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired';
  return 'active';
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
