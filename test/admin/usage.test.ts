import { startDemoEnvironment } from '../../dev/demo-environment.js';
import { createObservability } from '../../lambda/observe/observability.js';
import { parseSince, usageQuery } from '../../admin/usage-command.js';
import { anthropicClient, openaiClient } from '../support/e2e.js';
import { CapturedOutput } from '../support/captured-output.js';
import { startLogsServer, type LogsServer } from '../support/logs-server.js';
import { run, runBinary, TempDir } from './cli-harness.js';

/**
 * `mantle-gateway usage` against a loopback CloudWatch Logs endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) holding
 * the lines a real gateway run printed: request records, EMF metric lines and everything else.
 */
const LOG_GROUP = 'MantleGateway-prod-us-east-2-GatewayLogGroup8257D8DD-AbCdEf123456';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real' };
let logs: LogsServer;
let printed: Array<Record<string, any>>;

beforeAll(async () => {
  logs = await startLogsServer();
  process.env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'] = logs.url;
  Object.assign(process.env, CREDENTIALS);
  const output = new CapturedOutput().start();
  try {
    const env = await startDemoEnvironment({ credentials: 'explicit', records: createObservability({ GATEWAY_STAGE: 'prod' }).records });
    const openai = openaiClient(env.gateway.url);
    await openai.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'one two three four' }] });
    await openai.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'five six' }] });
    await anthropicClient(env.gateway.url).messages.create({ model: 'claude-opus-4-7', max_tokens: 32, messages: [{ role: 'user', content: 'hello claude' }] });
    await anthropicClient(env.gateway.url).messages.countTokens({ model: 'claude-opus-4-7', messages: [{ role: 'user', content: 'not consumption' }] });
    await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await env.close();
  } finally {
    output.stop();
  }
  const now = Date.now();
  printed = output.jsonLines();
  logs.groups.set(LOG_GROUP, [
    ...output.text.split('\n').filter(Boolean).map((message) => ({ timestamp: now - 60_000, message })),
    { timestamp: now - 30_000, message: JSON.stringify({ message: 'request', caller: { type: 'iam', arn: 'arn:aws:iam::111122223333:role/app' }, endpoint: 'messages', model: 'claude-opus-4-7', usage: { inputTokens: 7, outputTokens: 3 } }) },
    // A record from two days ago, outside the default window.
    { timestamp: now - 2 * 86_400_000, message: JSON.stringify({ message: 'request', caller: { type: 'anonymous' }, endpoint: 'chat_completions', model: 'gpt-oss-120b', usage: { inputTokens: 1_000_000 } }) },
  ]);
  logs.groups.set('some-other-group', []);
});
afterAll(async () => {
  delete process.env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'];
  await logs.close();
});

/** The table's rows by their first cell: [requests, input tokens, output tokens, errors]. */
function table(stdout: string): Map<string, number[]> {
  const lines = stdout.trim().split('\n').slice(2);
  return new Map(lines.slice(1).map((line) => {
    const cells = line.trim().split(/\s{2,}/);
    return [cells[0]!, cells.slice(1).map((cell) => Number(cell.replace(/,/g, '')))];
  }));
}

function recordsOf(model: string | undefined) {
  return printed.filter((line) => line['message'] === 'request' && line['model'] === model && line['endpoint'] !== 'count_tokens');
}

describe('mantle-gateway usage', () => {
  it('prints requests, tokens and errors per model from the request records of the last 24 hours', async () => {
    const result = await run('usage', '--region', 'us-east-2');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`by model in us-east-2, last 24h (${LOG_GROUP})`);
    const rows = table(result.stdout);
    const gptOss = recordsOf('gpt-oss-120b');
    expect(gptOss).toHaveLength(2);
    expect(rows.get('gpt-oss-120b')).toEqual([2, gptOss.reduce((sum, line) => sum + line['usage'].inputTokens, 0), gptOss.reduce((sum, line) => sum + line['usage'].outputTokens, 0), 0]);
    const claude = recordsOf('claude-opus-4-7');
    expect(rows.get('claude-opus-4-7')).toEqual([2, claude[0]!['usage'].inputTokens + 7, claude[0]!['usage'].outputTokens + 3, 0]);
    expect(rows.get('no-such-model')).toEqual([1, 0, 0, 1]);
    expect(rows.get('total')?.[0]).toBe(5);
  });

  it('groups by caller', async () => {
    const result = await run('usage', '--region', 'us-east-2', '--by', 'caller', '--since', '7d');
    expect(result.code).toBe(0);
    const rows = table(result.stdout);
    expect([...rows.keys()]).toEqual(['anonymous', 'iam arn:aws:iam::111122223333:role/app', 'total']);
    expect(rows.get('anonymous')?.[0]).toBe(5);
    expect(rows.get('iam arn:aws:iam::111122223333:role/app')).toEqual([1, 7, 3, 0]);
    expect(rows.get('anonymous')?.[1]).toBeGreaterThan(1_000_000);
  });

  it('asks Logs Insights for the window it was given, over the stage\'s log group', async () => {
    const before = Math.floor(Date.now() / 1000);
    await run('usage', '--region', 'us-east-2', '--since', '30m');
    const query = logs.queries.at(-1)!;
    expect(query['logGroupNames']).toEqual([LOG_GROUP]);
    expect(query['endTime'] - query['startTime']).toBe(1800);
    expect(query['endTime']).toBeGreaterThanOrEqual(before);
    expect(query['queryString']).toBe(usageQuery('model'));
  });

  it('says so when no records fall in the window', async () => {
    logs.groups.set('MantleGateway-dev-us-east-2-GatewayLogGroupX-1', []);
    const result = await run('usage', '--region', 'us-east-2', '--stage', 'dev');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('No request records in this period.') });
  });

  it.each([
    [['usage', '--region', 'us-east-2', '--by', 'region'], 2, '--by must be model or caller'],
    [['usage', '--region', 'us-east-2', '--since', 'yesterday'], 2, '--since must be a duration such as 30m, 24h or 7d'],
    [['usage', '--region', 'us-east-2', '--prefix', '/x'], 2, "Unknown option '--prefix'"],
    [['usage', '--region', 'us-east-2', '--stage', 'staging'], 1, 'no gateway log group MantleGateway-staging-us-east-2-GatewayLogGroup... in us-east-2'],
    [['usage', '--region', 'us-east-2', '--log-group', 'missing'], 1, "CloudWatch Logs: Log group 'missing' does not exist"],
  ])('refuses %j with exit %i and a clear message', async (argv, code, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('prints its help', async () => {
    const result = await run('usage', '--help');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('--by model|caller') });
  });

  it('parses durations', () => {
    expect([parseSince('30m'), parseSince('24h'), parseSince('7d'), parseSince('2w')]).toEqual([1_800_000, 86_400_000, 604_800_000, 1_209_600_000]);
  });

  it('runs as the installed command, through the default credential chain and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', async () => {
    const home = await TempDir.create();
    try {
      const result = await runBinary(['usage', '--region', 'us-east-2', '--log-group', LOG_GROUP], { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.url, ...CREDENTIALS }, home.path);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(table(result.stdout).get('gpt-oss-120b')?.[0]).toBe(2);
    } finally {
      await home.remove();
    }
  });
});
