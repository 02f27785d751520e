import { readFile, writeFile } from 'node:fs/promises';
import { ConfigValidationError, validateGatewayConfig } from '../lambda/config/validate.js';
import { parseParameterName } from '../lambda/config-store/parameter-layout.js';
import { CliError } from './cli-errors.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import type { Document } from 'yaml';
import { parseRouteFile, renderConfigYaml, type DocumentsByKind } from './config-yaml.js';
import { readLiveParameters, type LiveParameter } from './ssm-documents.js';
import { plural } from './validate-command.js';

/**
 * `pull [file]`: the live providers and models as a route file, to `file` or stdout. Refuses (and writes
 * nothing) if a parameter is not JSON, since the file would silently lose it. Documents that parse but fail
 * validation are written as they are, with a note: the gateway is serving their last-known-good versions.
 */
export async function pullCommand(file: string | undefined, target: SsmTarget, output: CommandOutput): Promise<void> {
  const existing = file === undefined ? undefined : await readRouteFileToMerge(file);
  const live = await readLiveParameters(target.client, target.prefix);
  const documents = parseDocuments(target.prefix, live);
  const yaml = renderConfigYaml(documents, existing);
  warnIfInvalid(documents, output);
  if (file === undefined) {
    output.stdout(yaml);
    return;
  }
  await writeFile(file, yaml, 'utf8');
  output.stdout(
    `Wrote ${plural(documents.providers.size, 'provider')} and ${plural(documents.models.size, 'model')} from ${target.label} to ${file}.\n`,
  );
}

function parseDocuments(prefix: string, live: ReadonlyMap<string, LiveParameter>): DocumentsByKind {
  const documents = { providers: new Map<string, Record<string, unknown>>(), models: new Map<string, Record<string, unknown>>() };
  const unreadable: string[] = [];
  for (const [name, parameter] of live) {
    const { kind, id } = parseParameterName(prefix, name)!;
    try {
      const document: unknown = JSON.parse(parameter.value);
      if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('not a JSON object');
      documents[kind].set(id, document as Record<string, unknown>);
    } catch {
      unreadable.push(name);
    }
  }
  if (unreadable.length > 0) {
    throw new CliError(`cannot pull: ${unreadable.join(', ')} ${unreadable.length === 1 ? 'does' : 'do'} not hold a JSON object; fix or delete ${unreadable.length === 1 ? 'it' : 'them'} first`);
  }
  return documents;
}

function warnIfInvalid(documents: DocumentsByKind, output: CommandOutput): void {
  try {
    validateGatewayConfig({ providers: [...documents.providers.values()], models: [...documents.models.values()] });
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    output.stderr(
      `note: some documents in SSM do not pass validation (the gateway serves their last-known-good versions, or leaves them out):\n  - ${error.issues.join('\n  - ')}\n`,
    );
  }
}

/**
 * The file to pull into, parsed, before SSM is read. A file that does not parse is refused rather than replaced:
 * replacing it would lose whatever it holds (comments, documents being edited).
 */
async function readRouteFileToMerge(file: string): Promise<Document | undefined> {
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  const parsed = parseRouteFile(text);
  if (!('problem' in parsed)) return parsed;
  throw new CliError(`${file}: ${parsed.problem}\npull never replaces a file it cannot read as YAML: fix it, or pull to stdout or a new file.`);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}
