import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../config/load-config-file.js';
import { validateGatewayConfig } from '../config/validate.js';
import { staticConfigSource, type ConfigSource } from '../core/config-source.js';

/**
 * A route configuration file (YAML or JSON), read and validated once: local runs and tests. Edits need a
 * restart; the deployed store (SSM) is the one that reloads. The snapshot's revision is
 * {@link fileRevision} of the bytes read, so a log line says which version of the file served a request.
 *
 * @throws ConfigValidationError listing every problem, with the validator's messages.
 */
export async function fileConfigSource(path: string): Promise<ConfigSource> {
  const bytes = await readFile(path);
  const config = validateGatewayConfig(parseConfigText(bytes.toString('utf8'), path));
  return staticConfigSource(config, fileRevision(bytes));
}

/** `sha256:` and the first 16 hex digits of the SHA-256 of the file's content: changes with any edit. */
export function fileRevision(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
}
