/**
 * Parses and runs the caller commands: `keys create|list|revoke|delete` and `principals put|list`. Each works on
 * SSM (`--region`, `--prefix`) or on a keys file (`--file`), never both. Writing commands update the revision
 * marker, so running gateways pick the change up within their TTL.
 */
import { parseArgs } from 'node:util';
import { CALLER_NAME_PATTERN } from '../lambda/auth/caller-documents.js';
import { KEY_ID_PATTERN } from '../lambda/auth/api-key.js';
import { fileCallerStore, ssmCallerStore, type CallerDocumentStore } from './caller-document-store.js';
import { expiryFromOption, grantsFromOptions } from './caller-grants-options.js';
import { argumentError, CliError } from './cli-errors.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import { createKeyCommand, deleteKeyCommand, listKeysCommand, revokeKeyCommand } from './keys-command.js';
import { listPrincipalsCommand, putPrincipalCommand } from './principals-command.js';

export const CALLER_USAGE = `  keys create <name> --models <ids> [--tags <tags>] [--expires <30m|12h|90d|date-time>]
                                                  create a gateway API key; prints it once, as the last line
  keys list                                       id, name, grants, expiry, state and creation of every key
  keys revoke <id>                                disable a key (it stays listed); keys delete <id> removes it
  principals put <name> --arn <pattern> [--arn <pattern>...] --models <ids> [--tags <tags>]
                                                  let IAM callers matching the ARN patterns use those models
  principals list                                 the principals and their grants
  (keys and principals: --region R [--prefix P] for SSM, or --file keys.yaml for a local keys file)
`;

type Values = ReturnType<typeof parse>['values'];

/** @param ssmTarget builds the SSM target the way the other commands do */
export async function runCallerCommand(argv: readonly string[], ssmTarget: (region?: string, prefix?: string) => SsmTarget, output: CommandOutput): Promise<void> {
  const { values, positionals } = parse(argv);
  const [group, action, ...rest] = positionals;
  const store = storeFor(values, ssmTarget);
  const one = (what: string, pattern: RegExp): string => {
    if (rest.length !== 1) throw new CliError(`${group} ${action} takes one ${what}, got ${rest.length === 0 ? 'none' : rest.join(' ')}`, true);
    if (!pattern.test(rest[0]!)) throw new CliError(`${JSON.stringify(rest[0])} is not a valid ${what}`, true);
    return rest[0]!;
  };
  const none = (): void => {
    if (rest.length > 0) throw new CliError(`${group} ${action} takes no arguments, got ${rest.join(' ')}`, true);
  };
  allowOnly(group, action, values);
  switch (`${group} ${action}`) {
    case 'keys create':
      return createKeyCommand(
        store,
        {
          name: one('name', CALLER_NAME_PATTERN),
          grants: grantsFromOptions(values.models, values.tags),
          ...(values.expires !== undefined ? { expiresAt: expiryFromOption(values.expires) } : {}),
        },
        output,
      );
    case 'keys list':
      none();
      return listKeysCommand(store, output);
    case 'keys revoke':
      return revokeKeyCommand(store, one('key id', KEY_ID_PATTERN), output);
    case 'keys delete':
      return deleteKeyCommand(store, one('key id', KEY_ID_PATTERN), output);
    case 'principals put': {
      const name = one('name', CALLER_NAME_PATTERN);
      if (!values.arn || values.arn.length === 0) throw new CliError('principals put needs at least one --arn <pattern>', true);
      return putPrincipalCommand(store, { name, arns: values.arn, grants: grantsFromOptions(values.models, values.tags) }, output);
    }
    case 'principals list':
      none();
      return listPrincipalsCommand(store, output);
    default:
      throw new CliError(`unknown command ${[group, action].filter(Boolean).join(' ')} (keys create|list|revoke|delete, principals put|list)`, true);
  }
}

const FLAGS_BY_COMMAND: Record<string, readonly string[]> = {
  'keys create': ['models', 'tags', 'expires'],
  'principals put': ['models', 'tags', 'arn'],
};

function allowOnly(group: string | undefined, action: string | undefined, values: Values): void {
  const allowed = FLAGS_BY_COMMAND[`${group} ${action}`] ?? [];
  for (const flag of ['models', 'tags', 'expires', 'arn'] as const) {
    if (values[flag] !== undefined && !allowed.includes(flag)) throw new CliError(`--${flag} does not apply to ${group} ${action ?? ''}`.trimEnd(), true);
  }
}

function storeFor(values: Values, ssmTarget: (region?: string, prefix?: string) => SsmTarget): CallerDocumentStore {
  if (values.file !== undefined) {
    if (values.region !== undefined || values.prefix !== undefined) throw new CliError('--file writes a local keys file; it takes no --region or --prefix', true);
    return fileCallerStore(values.file);
  }
  const target = ssmTarget(values.region, values.prefix);
  return ssmCallerStore(target.client, target.prefix, target.label);
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: 'string' },
        prefix: { type: 'string' },
        file: { type: 'string' },
        models: { type: 'string' },
        tags: { type: 'string' },
        expires: { type: 'string' },
        arn: { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    throw argumentError(error);
  }
}
