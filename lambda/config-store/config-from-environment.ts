/**
 * Where a local run (`npm start`, the demo) gets its routes, from the environment:
 *
 * - `GATEWAY_SSM_PREFIX=/mantle-gateway`: the same SSM store as the deployed function (hot reload,
 *   last-known-good), so an admin can try a prefix locally with their own credentials. `GATEWAY_CONFIG_TTL_SECONDS`
 *   sets its TTL, `GATEWAY_CONFIG_FULL_READ_SECONDS` its safety-net full read.
 * - `GATEWAY_CONFIG=path/to/gateway.yaml`: a file, validated once at start.
 * - neither: `config/gateway.yaml`.
 *
 * Not used by the Lambda handler, which always reads SSM; this module pulls in file reading and YAML.
 */
import type { ConfigSource } from '../core/config-source.js';
import { fileConfigSource } from './file-config-source.js';
import { MIN_FULL_READ_SECONDS } from './refresh-timing.js';
import { createSsmConfigSource, type ConfigStoreLogger } from './ssm-config-source.js';

/** @default 'config/gateway.yaml' */
export const DEFAULT_CONFIG_FILE = 'config/gateway.yaml';

export interface EnvironmentConfigSource {
  readonly source: ConfigSource;
  /** For the start-up banner: `file config/gateway.yaml` or `SSM /mantle-gateway (TTL 5 s)`. */
  readonly description: string;
}

/**
 * @throws Error naming the variable when the environment is contradictory or a value is malformed, and
 *   ConfigValidationError when the file is invalid (its `issues` list every problem).
 *
 * @example
 * const { source, description } = await configSourceFromEnvironment(process.env, logger);
 */
export async function configSourceFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  logger: ConfigStoreLogger,
): Promise<EnvironmentConfigSource> {
  const file = nonEmpty(env['GATEWAY_CONFIG']);
  const prefix = nonEmpty(env['GATEWAY_SSM_PREFIX']);
  if (file !== undefined && prefix !== undefined) {
    throw new Error('Set GATEWAY_CONFIG (a file) or GATEWAY_SSM_PREFIX (an SSM prefix), not both');
  }
  if (prefix !== undefined) {
    const ttlSeconds = parseTtlSeconds(env['GATEWAY_CONFIG_TTL_SECONDS']);
    const fullReadSeconds = parseFullReadSeconds(env['GATEWAY_CONFIG_FULL_READ_SECONDS']);
    return {
      source: createSsmConfigSource({
        prefix,
        logger,
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
        ...(fullReadSeconds !== undefined ? { fullReadSeconds } : {}),
      }),
      description: `SSM ${prefix} (TTL ${ttlSeconds ?? 5} s)`,
    };
  }
  const path = file ?? DEFAULT_CONFIG_FILE;
  return { source: await fileConfigSource(path), description: `file ${path}` };
}

/** Parses `GATEWAY_CONFIG_TTL_SECONDS`; undefined when unset. @throws Error when it is not a number >= 0 */
export function parseTtlSeconds(value: string | undefined): number | undefined {
  if (nonEmpty(value) === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`GATEWAY_CONFIG_TTL_SECONDS must be a number of seconds >= 0, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

/** Parses `GATEWAY_CONFIG_FULL_READ_SECONDS`; undefined when unset. @throws Error when it is not a number >= 60 */
export function parseFullReadSeconds(value: string | undefined): number | undefined {
  if (nonEmpty(value) === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < MIN_FULL_READ_SECONDS) {
    throw new Error(`GATEWAY_CONFIG_FULL_READ_SECONDS must be a number of seconds >= ${MIN_FULL_READ_SECONDS}, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
