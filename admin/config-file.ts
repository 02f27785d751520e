import { readConfigDocument } from '../lambda/config/load-config-file.js';
import { ConfigValidationError, validateGatewayConfig } from '../lambda/config/validate.js';
import type { GatewayConfig } from '../lambda/config/types.js';
import { oversizedParameters, toParameters, type ConfigDocument } from '../lambda/config-store/parameter-layout.js';
import { CliError } from './cli-errors.js';

export interface ConfigFile {
  readonly config: GatewayConfig;
  /** Parameter name to the document as written in the file, as JSON; providers then models, in file order. */
  readonly parameters: Map<string, string>;
}

/**
 * Reads a route file and checks it exactly as `cdk synth` and the Lambda do (the shared validator), plus the
 * one thing only a push can break: a document larger than a parameter holds.
 *
 * @throws CliError for a syntax error (one line, with line and column); ConfigValidationError listing every issue
 */
export async function readValidConfigFile(path: string, prefix: string): Promise<ConfigFile> {
  let document: unknown;
  try {
    document = await readConfigDocument(path);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliError(error.issues[0] ?? `${path}: not valid YAML`);
    throw error;
  }
  let config: GatewayConfig;
  try {
    config = validateGatewayConfig(document);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw invalidFile(path, error.issues);
    throw error;
  }
  const parameters = toParameters(prefix, document as ConfigDocument);
  const oversized = oversizedParameters(parameters);
  if (oversized.length > 0) throw invalidFile(path, oversized);
  return { config, parameters };
}

function invalidFile(path: string, issues: readonly string[]): CliError {
  return new CliError(`${path} is not a valid gateway config:\n  - ${issues.join('\n  - ')}`);
}
