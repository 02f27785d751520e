/** `principals put | list`: which IAM callers (ARN patterns) may use which models, in SSM or a keys file. */
import { validatePrincipalDocument, type PrincipalDocument } from '../lambda/auth/caller-documents.js';
import type { CallerDocumentStore } from './caller-document-store.js';
import { CliError } from './cli-errors.js';
import type { CommandOutput } from './command-context.js';
import { table } from './keys-command.js';

export async function putPrincipalCommand(store: CallerDocumentStore, document: PrincipalDocument, output: CommandOutput): Promise<void> {
  const checked = validatePrincipalDocument(document);
  if (!checked.ok) throw new CliError(checked.issues.join('; '), true);
  const existed = (await store.list('principals')).has(document.name);
  await store.put('principals', document.name, { ...document }, false);
  await store.committed();
  output.stdout(`${existed ? 'Updated' : 'Created'} principal ${document.name} in ${store.label}: ${document.arns.join(', ')} may use ${document.grants.join(', ')}.\n`);
}

export async function listPrincipalsCommand(store: CallerDocumentStore, output: CommandOutput): Promise<void> {
  const documents = await store.list('principals');
  if (documents.size === 0) {
    output.stdout(`No principals in ${store.label}: every caller IAM lets in may use every model.\n`);
    return;
  }
  const rows = [['NAME', 'ARNS', 'GRANTS']];
  for (const [name, raw] of [...documents].sort(([a], [b]) => a.localeCompare(b))) {
    const checked = validatePrincipalDocument(raw);
    rows.push(checked.ok ? [name, checked.value.arns.join(','), checked.value.grants.join(',')] : [name, 'invalid (refused)', '-']);
  }
  output.stdout(table(rows));
}
