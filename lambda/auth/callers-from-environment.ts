/**
 * Caller auth for local runs (`npm start`), from the environment:
 *
 * - `GATEWAY_SSM_PREFIX`: keys and principals come from SSM (the route store reads them too) and are required,
 *   as deployed.
 * - `GATEWAY_KEYS_FILE=keys.yaml`: keys from that file (reloaded when it changes).
 * - neither: no caller auth. Allowed on loopback (said loudly at start-up); bound (`HOST`) to anything else, the
 *   server refuses to start unless `GATEWAY_ALLOW_ANONYMOUS=1`.
 */
import { createAuthenticator, type Authenticate } from './authenticate.js';
import { createKeysFileSource } from './keys-file.js';
import type { RefusalLogger } from './refusal-log.js';
import { createSnapshotCallerSource } from './snapshot-callers.js';

export interface EnvironmentCallerAuth {
  readonly authenticate: Authenticate;
  /** For the start-up banner. */
  readonly description: string;
  /** Set when the gateway runs without caller auth: print it where nobody can miss it. */
  readonly warning?: string;
}

export interface CallerAuthInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The host the server binds. */
  readonly host: string;
  readonly logger: RefusalLogger;
}

/** @throws Error naming the variable when the combination is refused */
export function callerAuthFromEnvironment({ env, host, logger }: CallerAuthInputs): EnvironmentCallerAuth {
  const keysFile = nonEmpty(env['GATEWAY_KEYS_FILE']);
  const prefix = nonEmpty(env['GATEWAY_SSM_PREFIX']);
  if (keysFile !== undefined && prefix !== undefined) {
    throw new Error('Set GATEWAY_KEYS_FILE (keys from a file) or GATEWAY_SSM_PREFIX (keys from SSM, as deployed), not both');
  }
  if (prefix !== undefined) {
    // The SSM store reads keys and principals with the routes; they arrive with each request's snapshot.
    const callers = createSnapshotCallerSource({ prefix, logger });
    return { authenticate: createAuthenticator({ mode: 'api_key', callers }), description: `API keys from SSM ${prefix}` };
  }
  if (keysFile !== undefined) {
    const source = createKeysFileSource({ path: keysFile, logger });
    const { keys, principals } = source.initial.documents;
    return {
      authenticate: createAuthenticator({ mode: 'api_key', callers: source }),
      description: `API keys from ${keysFile} (${keys.length} key${keys.length === 1 ? '' : 's'}, ${principals.length} principal${principals.length === 1 ? '' : 's'})`,
    };
  }
  const anonymousAllowed = env['GATEWAY_ALLOW_ANONYMOUS'] === '1';
  if (!isLoopback(host) && !anonymousAllowed) {
    throw new Error(
      `refusing to serve on ${host} without caller auth: anyone who can reach it could use every model on your AWS bill. ` +
        'Set GATEWAY_KEYS_FILE (or GATEWAY_SSM_PREFIX) to require API keys, bind HOST=127.0.0.1, or set GATEWAY_ALLOW_ANONYMOUS=1 to accept the risk',
    );
  }
  return {
    authenticate: createAuthenticator({ mode: 'none' }),
    description: 'no caller auth',
    warning: isLoopback(host)
      ? 'WARNING: no caller auth. Anyone on this machine can call every model with your AWS credentials. Set GATEWAY_KEYS_FILE to require API keys.'
      : `WARNING: no caller auth on ${host} (GATEWAY_ALLOW_ANONYMOUS=1). Anyone who can reach this port can call every model with your AWS credentials.`,
  };
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
