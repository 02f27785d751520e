import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigValidationError, validateGatewayConfig } from './validate.js';
import type { GatewayConfig } from './types.js';

/**
 * Reads a route configuration file (YAML, or JSON which is YAML too) and validates it.
 * Kept out of the Lambda bundle: deployed functions read SSM, not files.
 *
 * @throws ConfigValidationError on a syntax error (with line and column) or any validation issue.
 */
export async function loadConfigFile(path: string): Promise<GatewayConfig> {
  return validateGatewayConfig(await readConfigDocument(path));
}

/** The file's document as written, for tools that write it elsewhere unchanged (the admin CLI). */
export async function readConfigDocument(path: string): Promise<unknown> {
  return parseConfigText(await readFile(path, 'utf8'), path);
}

/** Parses a configuration file's text; `path` names it in the error. @throws ConfigValidationError */
export function parseConfigText(text: string, path: string): unknown {
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigValidationError([`${path}: ${message}`]);
  }
}
