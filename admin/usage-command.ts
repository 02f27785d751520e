/**
 * `mantle-gateway usage --region R [--since 24h] [--by model|caller]`: requests, tokens and errors from the
 * gateway's request records, by a CloudWatch Logs Insights query over the region's gateway log group.
 */
import { parseArgs } from 'node:util';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand, type ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { CliError } from './cli-errors.js';
import type { CommandOutput } from './command-context.js';

export const USAGE_HELP = `Usage: mantle-gateway usage --region R [--since 24h] [--by model|caller] [--stage S] [--log-group NAME]

Requests, input and output tokens and errors per model (or per caller) from the gateway's request records,
by a CloudWatch Logs Insights query. count_tokens calls are left out (they count tokens, they do not use them).

  --region R       the deployed region (default: AWS_REGION)
  --since D        how far back: 30m, 24h, 7d (default 24h)
  --by model|caller   group by gateway model id (default) or by caller (key id, IAM ARN or anonymous)
  --stage S        the deployment's stage, to find its log group MantleGateway-S-R-GatewayLogGroup... (default prod)
  --log-group N    query this log group instead

Needs logs:DescribeLogGroups, logs:StartQuery and logs:GetQueryResults. AWS_ENDPOINT_URL_CLOUDWATCH_LOGS sends
the requests to another CloudWatch Logs endpoint.
`;

type GroupBy = 'model' | 'caller';

const GROUP_FIELDS: Record<GroupBy, string> = { model: 'model', caller: 'caller.type, caller.id, caller.arn' };

/** The query the command runs; also in the README. */
export function usageQuery(by: GroupBy): string {
  return [
    'filter message = "request" and endpoint != "count_tokens"',
    `stats count(*) as requests, sum(usage.inputTokens) as inputTokens, sum(usage.outputTokens) as outputTokens, count(error.type) as errors by ${GROUP_FIELDS[by]}`,
    'sort requests desc',
    'limit 1000',
  ].join(' | ');
}

const UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseSince(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS_MS[match[2]!]! : NaN;
  if (!(ms > 0)) throw new CliError(`--since must be a duration such as 30m, 24h or 7d, got ${JSON.stringify(text)}`, true);
  return ms;
}

interface UsageOptions {
  readonly region: string;
  readonly sinceMs: number;
  readonly sinceText: string;
  readonly by: GroupBy;
  readonly stage: string;
  readonly logGroup?: string;
}

export async function usageCommand(argv: readonly string[], output: CommandOutput, now: () => number = Date.now): Promise<void> {
  const options = parseUsageArguments(argv);
  if (!options) return output.stdout(USAGE_HELP);
  const client = new CloudWatchLogsClient({ region: options.region });
  try {
    const logGroups = options.logGroup ? [options.logGroup] : await findGatewayLogGroups(client, options);
    const endTime = Math.floor(now() / 1000);
    const rows = await runQuery(client, { logGroupNames: logGroups, startTime: endTime - Math.ceil(options.sinceMs / 1000), endTime, queryString: usageQuery(options.by), limit: 1000 });
    output.stdout(`Requests, tokens and errors by ${options.by} in ${options.region}, last ${options.sinceText} (${logGroups.join(', ')}):\n\n`);
    output.stdout(formatTable(options.by, rows));
  } catch (error) {
    throw explainLogsError(error);
  } finally {
    client.destroy();
  }
}

function parseUsageArguments(argv: readonly string[]): UsageOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { region: { type: 'string' }, since: { type: 'string' }, by: { type: 'string' }, stage: { type: 'string' }, 'log-group': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    throw new CliError(`usage: ${(error as Error).message.split('. ')[0]?.replace(/\.$/, '')}`, true);
  }
  if (values['help']) return undefined;
  const region = (values['region'] as string | undefined) ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new CliError('usage needs a region: pass --region (or set AWS_REGION)', true);
  const by = (values['by'] as string | undefined) ?? 'model';
  if (by !== 'model' && by !== 'caller') throw new CliError(`--by must be model or caller, got ${JSON.stringify(by)}`, true);
  const sinceText = (values['since'] as string | undefined) ?? '24h';
  const logGroup = values['log-group'] as string | undefined;
  return { region, sinceMs: parseSince(sinceText), sinceText, by, stage: (values['stage'] as string | undefined) ?? 'prod', ...(logGroup ? { logGroup } : {}) };
}

/** The stack's log group: CloudFormation names it `<stack name>-GatewayLogGroup<hash>-<suffix>`. */
async function findGatewayLogGroups(client: CloudWatchLogsClient, options: UsageOptions): Promise<string[]> {
  const prefix = `MantleGateway-${options.stage}-${options.region}-GatewayLogGroup`;
  const found = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }));
  const names = (found.logGroups ?? []).map((group) => group.logGroupName).filter((name): name is string => typeof name === 'string');
  if (names.length === 0) throw new CliError(`no gateway log group ${prefix}... in ${options.region}: is stage ${options.stage} deployed there? (--stage, or --log-group NAME)`);
  return names;
}

type QueryInput = ConstructorParameters<typeof StartQueryCommand>[0];

/** Starts the query and polls until it completes (at most ten minutes). */
async function runQuery(client: CloudWatchLogsClient, input: QueryInput): Promise<Array<Record<string, string>>> {
  const { queryId } = await client.send(new StartQueryCommand(input));
  const deadline = Date.now() + 600_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    const result = await client.send(new GetQueryResultsCommand({ queryId }));
    if (result.status === 'Complete') return (result.results ?? []).map(rowOf);
    if (result.status !== 'Running' && result.status !== 'Scheduled') throw new CliError(`the Logs Insights query ended ${result.status ?? 'without a status'}`);
    if (Date.now() > deadline) throw new CliError('the Logs Insights query did not finish within 10 minutes; try a shorter --since');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function rowOf(fields: ResultField[]): Record<string, string> {
  return Object.fromEntries(fields.filter((field) => field.field && field.value !== undefined).map((field) => [field.field!, field.value!]));
}

function formatTable(by: GroupBy, rows: ReadonlyArray<Record<string, string>>): string {
  if (rows.length === 0) return 'No request records in this period.\n';
  const label = (row: Record<string, string>): string =>
    by === 'model' ? row['model'] ?? '(no model)' : row['caller.type'] === 'key' ? `key ${row['caller.id']}` : row['caller.type'] === 'iam' ? `iam ${row['caller.arn']}` : row['caller.type'] ?? '(no caller)';
  const numbers = ['requests', 'inputTokens', 'outputTokens', 'errors'] as const;
  const body = rows.map((row) => [label(row), ...numbers.map((name) => Number(row[name] ?? 0))] as const);
  const total = ['total', ...numbers.map((_, index) => body.reduce((sum, row) => sum + (row[index + 1] as number), 0))] as const;
  const table = [[by, 'requests', 'input tokens', 'output tokens', 'errors'], ...[...body, total].map((row) => row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)))];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => String(row[column]).length)));
  return table.map((row) => row.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]!) : String(cell).padStart(widths[column]!))).join('  ')).join('\n') + '\n';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/** CloudWatch Logs' own errors in the admin's words; credential problems go to the shared explanations. */
function explainLogsError(error: unknown): unknown {
  if (error instanceof CliError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    const endpoint = process.env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'] ?? process.env['AWS_ENDPOINT_URL'];
    return new CliError(`could not reach CloudWatch Logs${endpoint ? ` at ${endpoint}` : ''} (${code})`);
  }
  if (error.name === 'ResourceNotFoundException') return new CliError(`CloudWatch Logs: ${error.message.split('\n')[0]}`);
  if (error.name === 'AccessDeniedException') return new CliError(`access denied by CloudWatch Logs: ${error.message.split('\n')[0]}`);
  if ('$metadata' in error && !/Credential|Token|Signature|UnrecognizedClient/.test(error.name)) return new CliError(`CloudWatch Logs answered ${error.name}: ${error.message.split('\n')[0]}`);
  return error;
}
