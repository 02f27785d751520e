import { loadConfigFile } from '../config/load-config-file.js';
import { staticConfigSource, type ConfigSource } from '../core/config-source.js';

/**
 * A route configuration file (YAML or JSON), read and validated once: local runs and tests. Edits need a
 * restart; the deployed store (SSM) is the one that reloads.
 *
 * @throws ConfigValidationError listing every problem, with the validator's messages.
 */
export async function fileConfigSource(path: string): Promise<ConfigSource> {
  return staticConfigSource(await loadConfigFile(path));
}
