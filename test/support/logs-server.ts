/**
 * A CloudWatch Logs endpoint on loopback that speaks the real wire protocol (awsJson1_1, `X-Amz-Target:
 * Logs_20140328.<Operation>`) for the admin CLI's `usage` command: `DescribeLogGroups`, `StartQuery` and
 * `GetQueryResults`. Point a client at it with `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=<url>` and dummy credentials.
 *
 * Queries are evaluated for real over the stored log events, for the Logs Insights subset the CLI and the README
 * use: `filter` with `=`, `!=`, `ispresent()` joined by `and`; `stats count(*)|count(f)|sum(f) as name, ... by
 * f1, f2`; `sort name asc|desc`; `limit n`. JSON messages are flattened into dotted fields (`usage.inputTokens`),
 * as Logs Insights discovers them. A query is `Running` on its first poll and `Complete` after.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LogEvent {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly message: string;
}

export interface LogsServer {
  readonly url: string;
  /** Log events by log group name. */
  readonly groups: Map<string, LogEvent[]>;
  /** Every StartQuery input received. */
  readonly queries: Array<Record<string, any>>;
  close(): Promise<void>;
}

type Row = Record<string, string | number | undefined>;

class LogsFault extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

export async function startLogsServer(): Promise<LogsServer> {
  const groups = new Map<string, LogEvent[]>();
  const queries: Array<Record<string, any>> = [];
  const running = new Map<string, { input: Record<string, any>; polls: number }>();
  const operations: Record<string, (input: Record<string, any>) => unknown> = {
    DescribeLogGroups: (input) => ({
      logGroups: [...groups.keys()].filter((name) => name.startsWith(input['logGroupNamePrefix'] ?? '')).map((logGroupName) => ({ logGroupName, arn: `arn:aws:logs:us-east-2:111122223333:log-group:${logGroupName}:*` })),
    }),
    StartQuery: (input) => {
      const names: string[] = input['logGroupNames'] ?? (input['logGroupName'] ? [input['logGroupName']] : input['logGroupIdentifiers'] ?? []);
      for (const name of names) if (!groups.has(name)) throw new LogsFault('ResourceNotFoundException', `Log group '${name}' does not exist for account ID '111122223333'`);
      queries.push(input);
      const queryId = `q-${queries.length}`;
      running.set(queryId, { input: { ...input, names }, polls: 0 });
      return { queryId };
    },
    GetQueryResults: (input) => {
      const query = running.get(input['queryId']);
      if (!query) throw new LogsFault('ResourceNotFoundException', 'query not found');
      query.polls += 1;
      if (query.polls === 1) return { status: 'Running', results: [] };
      const events = (query.input['names'] as string[]).flatMap((name) => groups.get(name) ?? []).filter((event) => event.timestamp >= query.input['startTime'] * 1000 && event.timestamp <= query.input['endTime'] * 1000);
      const rows = evaluate(query.input['queryString'], events.map(fieldsOf));
      return {
        status: 'Complete',
        results: rows.map((row) => Object.entries(row).filter(([, value]) => value !== undefined).map(([field, value]) => ({ field, value: String(value) }))),
        statistics: { recordsMatched: rows.length, recordsScanned: events.length, bytesScanned: 0 },
      };
    },
  };
  const server = createServer((req, res) => void handle(req, res, operations));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    groups,
    queries,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, operations: Record<string, (input: Record<string, any>) => unknown>): Promise<void> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '');
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  try {
    const handler = operations[operation];
    if (!handler) throw new LogsFault('UnknownOperationException', `operation ${operation} is not served`);
    reply(200, handler(text ? JSON.parse(text) : {}));
  } catch (error) {
    if (error instanceof LogsFault) reply(400, { __type: error.type, message: error.message });
    else reply(500, { __type: 'ServiceUnavailableException', message: String(error) });
  }
}

/** A JSON message flattened into dotted fields, plus `@timestamp` and `@message`. */
function fieldsOf(event: LogEvent): Row {
  const row: Row = { '@timestamp': event.timestamp, '@message': event.message };
  try {
    const flatten = (value: unknown, prefix: string): void => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key);
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') row[prefix] = typeof value === 'boolean' ? String(value) : value;
    };
    flatten(JSON.parse(event.message), '');
  } catch {
    // Not JSON: only @message.
  }
  return row;
}

function evaluate(query: string, input: Row[]): Row[] {
  let rows = input;
  for (const command of query.split('|').map((part) => part.trim()).filter(Boolean)) {
    const [verb = '', ...rest] = command.split(/\s+/);
    const argument = command.slice(verb.length).trim();
    if (verb === 'filter') rows = rows.filter((row) => matches(row, argument));
    else if (verb === 'stats') rows = stats(rows, argument);
    else if (verb === 'sort') {
      const [field = '', order = 'asc'] = rest;
      rows = [...rows].sort((a, b) => (Number(a[field] ?? 0) - Number(b[field] ?? 0)) * (order === 'desc' ? -1 : 1));
    } else if (verb === 'limit') rows = rows.slice(0, Number(rest[0]));
    else throw new LogsFault('MalformedQueryException', `unsupported command ${verb}`);
  }
  return rows;
}

function matches(row: Row, condition: string): boolean {
  return condition.split(/\s+and\s+/).every((term) => {
    const present = /^ispresent\(([\w.@]+)\)$/.exec(term);
    if (present) return row[present[1]!] !== undefined;
    const comparison = /^([\w.@]+)\s*(=|!=)\s*"([^"]*)"$/.exec(term);
    if (!comparison) throw new LogsFault('MalformedQueryException', `unsupported filter ${term}`);
    const [, field = '', operator, value] = comparison;
    return operator === '=' ? String(row[field]) === value : String(row[field]) !== value;
  });
}

function stats(rows: Row[], argument: string): Row[] {
  const [aggregates = '', by = ''] = argument.split(/\s+by\s+/);
  const keys = by.split(',').map((key) => key.trim()).filter(Boolean);
  const functions = aggregates.split(/,(?![^(]*\))/).map((part) => {
    const parsed = /^(count|sum)\(([\w.@*]+)\)\s+as\s+(\w+)$/.exec(part.trim());
    if (!parsed) throw new LogsFault('MalformedQueryException', `unsupported aggregate ${part}`);
    return { fn: parsed[1]!, field: parsed[2]!, name: parsed[3]! };
  });
  const buckets = new Map<string, Row[]>();
  for (const row of rows) {
    const key = JSON.stringify(keys.map((field) => row[field] ?? null));
    buckets.set(key, [...(buckets.get(key) ?? []), row]);
  }
  return [...buckets.values()].map((members) => {
    const out: Row = Object.fromEntries(keys.map((field) => [field, members[0]![field]]));
    for (const { fn, field, name } of functions) {
      if (fn === 'count') out[name] = field === '*' ? members.length : members.filter((member) => member[field] !== undefined).length;
      else out[name] = members.reduce((sum, member) => sum + (typeof member[field] === 'number' ? (member[field] as number) : 0), 0);
    }
    return out;
  });
}
