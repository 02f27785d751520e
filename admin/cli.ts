/**
 * `mantle-gateway`: the admin CLI for route configuration in SSM. See USAGE below, or run with --help.
 *
 * @example
 * npx mantle-gateway diff config/gateway.yaml --region us-east-2
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SSM_PREFIX, normalizePrefix } from '../lambda/config-store/parameter-layout.js';
import { argumentError, CliError, explainError } from './cli-errors.js';
import type { CommandOutput, SsmTarget } from './command-context.js';
import { diffCommand } from './diff-command.js';
import { pullCommand } from './pull-command.js';
import { pushCommand } from './push-command.js';
import { createSsmClient } from './ssm-documents.js';
import { validateCommand } from './validate-command.js';
import { usageCommand } from './usage-command.js';
import { modelsCommand } from './models-command.js';
import { validateProvider } from '../lambda/config/validate-provider.js';
import { CALLER_USAGE, runCallerCommand } from './caller-commands.js';

export const USAGE = `Usage: mantle-gateway <command> [options]

Commands:
  validate <file> [--live]                        check a route file with the same rules as cdk synth and the gateway
                                                  (--live also asks Mantle whether it serves every route's
                                                  upstream_model in the provider's region)
  models --region R [--endpoint URL]              list the models Mantle serves this account in region R
  diff <file> --region R [--prefix P]             show the providers and models a push would add, change or remove
  push <file> --region R [--prefix P] [--prune [--force]]
                                                  validate, then write only what changed (--prune also deletes
                                                  providers and models that are not in the file)
  pull [file] --region R [--prefix P]             write the live configuration as YAML to file (keeping its order
                                                  and comments) or to stdout
  usage --region R [--since 24h] [--by model|caller]
                                                  requests, tokens and errors from the request records (Logs
                                                  Insights); mantle-gateway usage --help for its options
${CALLER_USAGE}

Options:
  --region R   region of the parameters (default: AWS_REGION, or the profile's region)
  --prefix P   parameter prefix (default: ${DEFAULT_SSM_PREFIX})
  --prune      push only: delete what the file no longer has
  --force      push --prune only: allow deleting more than half of the providers and models in SSM
  --live       validate only: check every route against Mantle's model list (GET /v1/models, signed)
  --endpoint   models only: Mantle's base URL, as a provider's endpoint: (default https://bedrock-mantle.R.api.aws)
  -h, --help   show this help

Credentials come from the AWS default chain (AWS_PROFILE, SSO, environment, role).
AWS_ENDPOINT_URL_SSM sends the requests to another SSM endpoint.

Exit codes: 0 done, 1 failed (for push: before SSM confirmed any change), 2 usage error,
3 push stopped partway (what it wrote and deleted is printed, then what it left undone).
`;

interface Command {
  readonly file: 'required' | 'optional' | 'none';
  readonly ssm: boolean;
  readonly prune: boolean;
  /** Talks to Mantle in one region (`--region`, `--endpoint`) rather than to SSM. */
  readonly mantle?: boolean;
  readonly live?: boolean;
}

const COMMANDS: Record<string, Command> = {
  validate: { file: 'required', ssm: false, prune: false, live: true },
  models: { file: 'none', ssm: false, prune: false, mantle: true },
  diff: { file: 'required', ssm: true, prune: false },
  push: { file: 'required', ssm: true, prune: true },
  pull: { file: 'optional', ssm: true, prune: false },
};

/** Runs one command; never throws. @returns the exit code: 0 done, 1 failed, 2 usage error, 3 push stopped partway */
export async function runCli(argv: readonly string[], output: CommandOutput): Promise<number> {
  try {
    await dispatch(argv, output);
    return 0;
  } catch (error) {
    const usage = error instanceof CliError && error.usage;
    output.stderr(`mantle-gateway: ${explainError(error)}\n${usage ? 'Run mantle-gateway --help for usage.\n' : ''}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

/** The process entry: `bin/mantle-gateway.mjs` calls it. */
export function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runCli(argv, {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  });
}

async function dispatch(argv: readonly string[], output: CommandOutput): Promise<void> {
  // usage queries CloudWatch Logs, not SSM or Mantle, and has options of its own.
  if (argv[0] === 'usage') return usageCommand(argv.slice(1), output);
  if ((argv[0] === 'keys' || argv[0] === 'principals') && !argv.includes('--help') && !argv.includes('-h')) {
    return runCallerCommand(argv, ssmTarget, output);
  }
  const { values, positionals } = parse(argv);
  const [name, ...files] = positionals;
  if (values.help || name === 'help' || name === undefined) {
    output.stdout(USAGE);
    if (name === undefined && !values.help) throw new CliError('missing command', true);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command ${JSON.stringify(name)} (${[...Object.keys(COMMANDS), 'keys', 'principals'].join(', ')})`, true);
  checkArguments(name, command, files, values);
  const file = files[0];
  if (command.mantle) return modelsCommand(mantleRegion(values.region), values.endpoint === undefined ? undefined : mantleEndpoint(values.endpoint), output);
  if (!command.ssm) return validateCommand(file!, output, values.live === true);

  const target = ssmTarget(values.region, values.prefix);
  switch (name) {
    case 'diff':
      return diffCommand(file!, target, output);
    case 'push':
      return pushCommand(file!, target, { prune: values.prune === true, force: values.force === true }, output);
    default:
      return pullCommand(file, target, output);
  }
}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: 'string' },
        prefix: { type: 'string' },
        prune: { type: 'boolean' },
        live: { type: 'boolean' },
        endpoint: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw argumentError(error);
  }
}

function checkArguments(name: string, command: Command, files: readonly string[], values: Values): void {
  const maxFiles = command.file === 'none' ? 0 : 1;
  if (command.file === 'required' && files.length === 0) throw new CliError(`${name} needs a route file, e.g. ${name} config/gateway.yaml`, true);
  if (files.length > maxFiles) throw new CliError(`${name} takes ${maxFiles === 0 ? 'no file' : 'one file'}, got ${files.join(' ')}`, true);
  if (!command.ssm && !command.mantle && (values.region !== undefined || values.prefix !== undefined)) {
    throw new CliError(`${name} reads only the file (and with --live, each provider's own region); it takes no --region or --prefix`, true);
  }
  if (command.mantle && values.prefix !== undefined) throw new CliError(`${name} asks Mantle, not SSM; it takes no --prefix`, true);
  if (!command.prune && values.prune) throw new CliError('--prune applies to push only', true);
  if (!command.live && values.live) throw new CliError('--live applies to validate only', true);
  if (!command.mantle && values.endpoint !== undefined) throw new CliError('--endpoint applies to models only (validate --live uses each provider\'s endpoint:)', true);
  if (values.force && !values.prune) throw new CliError('--force applies to push --prune only', true);
}

function mantleRegion(region: string | undefined): string {
  const resolved = region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!resolved) throw new CliError('models needs a region: pass --region (or set AWS_REGION)', true);
  return resolved;
}

/** The same rule as a provider's `endpoint:` (an http(s) origin without path, query or credentials), normalized. */
function mantleEndpoint(endpoint: string): string {
  const result = validateProvider({ id: 'cli', type: 'aws_bedrock', region: 'us-east-1', endpoint });
  if (!result.ok) throw new CliError(`--endpoint: ${result.issues[0]?.replace(/^provider "cli": /, '') ?? 'not valid'}`, true);
  return result.value.endpoint;
}

function ssmTarget(region: string | undefined, prefixOption: string | undefined): SsmTarget {
  let prefix: string;
  try {
    prefix = normalizePrefix(prefixOption ?? DEFAULT_SSM_PREFIX);
  } catch (error) {
    throw new CliError((error as Error).message, true);
  }
  const resolvedRegion = region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  return {
    client: createSsmClient(resolvedRegion),
    prefix,
    label: `SSM ${prefix}${resolvedRegion ? ` in ${resolvedRegion}` : ''}`,
  };
}
