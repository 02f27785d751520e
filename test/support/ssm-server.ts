/**
 * An SSM Parameter Store that speaks enough of the real wire protocol (awsJson1_1 over HTTP) for the AWS SDK,
 * Powertools parameters and the admin CLI to talk to it unchanged, on loopback. Point a client at it with
 * `AWS_ENDPOINT_URL_SSM=<url>` plus any dummy credentials and region: signatures are not checked.
 *
 * What it reproduces, because the code under test depends on it:
 * - `GetParametersByPath` pages with `NextToken` and answers at most 10 per page (SSM's cap; more is a
 *   ValidationException), honours `Recursive`, and returns names in order.
 * - `SecureString` values come back as stored with `WithDecryption: true` and as an opaque ciphertext otherwise.
 * - `PutParameter` bumps `Version`, refuses to replace without `Overwrite` (`ParameterAlreadyExists`) and
 *   enforces the tier's size limit (4 KB Standard, 8 KB Advanced; Intelligent-Tiering picks).
 * - Errors in the awsJson1_1 shape, `{"__type": "...", "message": "..."}` with status 400; `failNext` makes the
 *   next requests throttle, deny access, or fail with a 500, for tests of outages; `delayNext` makes them slow.
 * - `calls` counts the requests per operation, for tests of what a read costs.
 * - `intercept` runs a hook before each request is answered: it may fail that one request (the second
 *   `DeleteParameters` batch, say) or change the store first, as another admin acting at the same time would
 *   (a name deleted meanwhile comes back in `InvalidParameters`, as SSM reports it).
 *
 * @example
 * const ssm = await startSsmServer();
 * process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
 * ssm.put('/mantle-gateway/models/m', '{"id":"m", ...}');
 * // ...
 * await ssm.close();
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

export interface StoredParameter {
  readonly name: string;
  readonly value: string;
  readonly type: ParameterType;
  readonly version: number;
  readonly tier: 'Standard' | 'Advanced';
  readonly lastModified: Date;
  readonly description?: string;
}

/**
 * - `throttle`: 400 `ThrottlingException` (the SDK retries it).
 * - `access-denied`: 400 `AccessDeniedException`.
 * - `unavailable`: 500 `InternalServerError`.
 * - `network`: the connection is dropped without an answer.
 * - `hang`: no answer at all until the server closes.
 */
export type FailureKind = 'throttle' | 'access-denied' | 'unavailable' | 'network' | 'hang';

export interface RecordedRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** Sees each request (already recorded) before it is answered; a returned kind fails this request only. */
export type RequestHook = (request: RecordedRequest) => FailureKind | undefined;

export interface SsmServer {
  readonly url: string;
  /** The store itself, by name; tests may read it, or change it through `put` and `delete`. */
  readonly parameters: Map<string, StoredParameter>;
  /** Every request received, in order, including failed ones. */
  readonly requests: RecordedRequest[];
  /** Writes a parameter as PutParameter with `Overwrite: true` would, bumping its version. */
  put(name: string, value: string, type?: ParameterType): StoredParameter;
  delete(name: string): void;
  /** The next `count` requests fail as `kind`; `Infinity` until told otherwise, `0` stops failing. */
  failNext(count: number, kind?: FailureKind): void;
  /** The next `count` requests are answered (or failed) `ms` late; `0` stops delaying. */
  delayNext(count: number, ms: number): void;
  /** Requests received per operation (`GetParameter`, `GetParametersByPath`...), failed ones included. */
  calls(): Record<string, number>;
  /** Runs `hook` before each request is answered, after `failNext`; `undefined` removes it. */
  intercept(hook: RequestHook | undefined): void;
  close(): Promise<void>;
}

/** Points the AWS SDK of this process at the server, with a region and dummy credentials (never checked). */
export function pointAwsSdkAt(server: Pick<SsmServer, 'url'>): void {
  process.env['AWS_ENDPOINT_URL_SSM'] = server.url;
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test-secret-not-real';
}

class SsmFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_PAGE = 10;
const STANDARD_LIMIT = 4096;
const ADVANCED_LIMIT = 8192;
const NAME_PATTERN = /^\/?[A-Za-z0-9_.\-/]+$/;

export async function startSsmServer(): Promise<SsmServer> {
  const parameters = new Map<string, StoredParameter>();
  const requests: RecordedRequest[] = [];
  let failure: { remaining: number; kind: FailureKind } = { remaining: 0, kind: 'throttle' };
  let delay = { remaining: 0, ms: 0 };
  let hook: RequestHook | undefined;

  const put = (name: string, value: string, type: ParameterType = 'String', tier?: StoredParameter['tier'], description?: string) => {
    const previous = parameters.get(name);
    const stored: StoredParameter = {
      name,
      value,
      type,
      version: (previous?.version ?? 0) + 1,
      tier: tier ?? previous?.tier ?? 'Standard',
      lastModified: new Date(),
      ...(description !== undefined ? { description } : {}),
    };
    parameters.set(name, stored);
    return stored;
  };
  const operations = createOperations(parameters, put);

  const server = createServer((req, res) => {
    readJson(req)
      .then(async (input) => {
        const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
        const request = { operation, input };
        requests.push(request);
        if (delay.remaining > 0) {
          delay.remaining -= 1;
          await new Promise((resolve) => setTimeout(resolve, delay.ms));
        }
        let kind: FailureKind | undefined;
        if (failure.remaining > 0) {
          failure.remaining -= 1;
          kind = failure.kind;
        } else {
          kind = hook?.(request);
        }
        if (kind === 'network') {
          res.destroy();
          return;
        }
        if (kind === 'hang') return;
        if (kind) throw injectedFault(kind);
        const handler = operations[operation];
        if (!handler) throw new SsmFault('UnknownOperationException', `operation ${operation} is not supported by this test server`);
        send(res, 200, handler(input));
      })
      .catch((error: unknown) => {
        const fault = error instanceof SsmFault ? error : new SsmFault('InternalServerError', String(error), 500);
        send(res, fault.status, { __type: fault.type, message: fault.message });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    parameters,
    requests,
    put: (name, value, type) => put(name, value, type),
    delete: (name) => void parameters.delete(name),
    failNext: (count, kind = 'throttle') => {
      failure = { remaining: count, kind };
    },
    delayNext: (count, ms) => {
      delay = { remaining: count, ms };
    },
    calls: () => {
      const counts: Record<string, number> = {};
      for (const { operation } of requests) counts[operation] = (counts[operation] ?? 0) + 1;
      return counts;
    },
    intercept: (next) => {
      hook = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Operation = (input: Record<string, unknown>) => unknown;
type Put = (name: string, value: string, type?: ParameterType, tier?: StoredParameter['tier'], description?: string) => StoredParameter;

function createOperations(parameters: Map<string, StoredParameter>, put: Put): Record<string, Operation> {
  const find = (name: string) => {
    const parameter = parameters.get(name);
    if (!parameter) throw new SsmFault('ParameterNotFound', `Parameter ${name} not found.`);
    return parameter;
  };
  return {
    GetParameter: (input) => ({ Parameter: wire(find(stringField(input, 'Name')), input['WithDecryption'] === true) }),
    GetParameters: (input) => {
      const names = listField(input, 'Names');
      const found = names.filter((name) => parameters.has(name));
      return {
        Parameters: found.map((name) => wire(parameters.get(name)!, input['WithDecryption'] === true)),
        InvalidParameters: names.filter((name) => !parameters.has(name)),
      };
    },
    GetParametersByPath: (input) => getParametersByPath(parameters, input),
    PutParameter: (input) => {
      const name = stringField(input, 'Name');
      const value = stringField(input, 'Value');
      checkName(name);
      const existing = parameters.get(name);
      if (existing && input['Overwrite'] !== true) {
        throw new SsmFault('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
      }
      const tier = chooseTier(value, input['Tier'], existing?.tier);
      const type = (input['Type'] as ParameterType | undefined) ?? existing?.type ?? 'String';
      const description = typeof input['Description'] === 'string' ? input['Description'] : existing?.description;
      const stored = put(name, value, type, tier, description);
      return { Version: stored.version, Tier: stored.tier };
    },
    DeleteParameter: (input) => {
      const name = stringField(input, 'Name');
      find(name);
      parameters.delete(name);
      return {};
    },
    DeleteParameters: (input) => {
      const names = listField(input, 'Names');
      if (names.length > MAX_PAGE) throw new SsmFault('ValidationException', `Names has more than ${MAX_PAGE} items.`);
      const missing = names.filter((name) => !parameters.has(name));
      return { DeletedParameters: names.filter((name) => parameters.delete(name)), InvalidParameters: missing };
    },
    DescribeParameters: (input) => describeParameters(parameters, input),
  };
}

function getParametersByPath(parameters: Map<string, StoredParameter>, input: Record<string, unknown>) {
  const path = stringField(input, 'Path');
  if (!path.startsWith('/')) throw new SsmFault('ValidationException', 'Path must start with "/".');
  const base = path.endsWith('/') ? path : `${path}/`;
  const recursive = input['Recursive'] === true;
  const matching = [...parameters.values()]
    .filter((parameter) => parameter.name.startsWith(base))
    .filter((parameter) => recursive || !parameter.name.slice(base.length).includes('/'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return page(matching, input, (parameter) => wire(parameter, input['WithDecryption'] === true), 'Parameters');
}

function describeParameters(parameters: Map<string, StoredParameter>, input: Record<string, unknown>) {
  const filters = Array.isArray(input['ParameterFilters']) ? (input['ParameterFilters'] as Array<Record<string, unknown>>) : [];
  const matching = [...parameters.values()]
    .filter((parameter) => filters.every((filter) => matchesFilter(parameter, filter)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return page(
    matching,
    input,
    (parameter) => ({
      Name: parameter.name,
      Type: parameter.type,
      Version: parameter.version,
      Tier: parameter.tier,
      LastModifiedDate: parameter.lastModified.getTime() / 1000,
      DataType: 'text',
      ...(parameter.description !== undefined ? { Description: parameter.description } : {}),
    }),
    'Parameters',
  );
}

/** Supports the `Name` (Equals, BeginsWith) and `Path` (Recursive, OneLevel) filters. */
function matchesFilter(parameter: StoredParameter, filter: Record<string, unknown>): boolean {
  const values = Array.isArray(filter['Values']) ? (filter['Values'] as string[]) : [];
  const option = filter['Option'];
  if (filter['Key'] === 'Name') {
    return values.some((value) => (option === 'BeginsWith' ? parameter.name.startsWith(value) : parameter.name === value));
  }
  if (filter['Key'] === 'Path') {
    return values.some((value) => {
      const base = value.endsWith('/') ? value : `${value}/`;
      if (!parameter.name.startsWith(base)) return false;
      return option === 'Recursive' || !parameter.name.slice(base.length).includes('/');
    });
  }
  throw new SsmFault('InvalidFilterKey', `filter key ${String(filter['Key'])} is not supported by this test server`);
}

/** One page of `items`; `NextToken` is the offset, opaque to clients. */
function page<T>(items: T[], input: Record<string, unknown>, toWire: (item: T) => unknown, key: string) {
  const maxResults = input['MaxResults'] === undefined ? MAX_PAGE : Number(input['MaxResults']);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE) {
    throw new SsmFault('ValidationException', `1 validation error detected: Value '${String(input['MaxResults'])}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`);
  }
  const start = typeof input['NextToken'] === 'string' ? decodeToken(input['NextToken']) : 0;
  const slice = items.slice(start, start + maxResults);
  const next = start + maxResults;
  return { [key]: slice.map(toWire), ...(next < items.length ? { NextToken: encodeToken(next) } : {}) };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new SsmFault('InvalidNextToken', 'The specified token is not valid.');
}

function wire(parameter: StoredParameter, decrypt: boolean) {
  const value = parameter.type === 'SecureString' && !decrypt ? ciphertext(parameter) : parameter.value;
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: value,
    Version: parameter.version,
    LastModifiedDate: parameter.lastModified.getTime() / 1000,
    ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${parameter.name.startsWith('/') ? '' : '/'}${parameter.name}`,
    DataType: 'text',
  };
}

/** Stands in for KMS: stable per version, and never the plaintext. */
function ciphertext(parameter: StoredParameter): string {
  return `AQICAH${createHash('sha256').update(`${parameter.name}#${parameter.version}#${parameter.value}`).digest('base64')}`;
}

function chooseTier(value: string, requested: unknown, existing: StoredParameter['tier'] | undefined): StoredParameter['tier'] {
  const size = Buffer.byteLength(value, 'utf8');
  const tier =
    requested === 'Advanced' || (requested === 'Intelligent-Tiering' && (size > STANDARD_LIMIT || existing === 'Advanced'))
      ? 'Advanced'
      : requested === undefined
        ? (existing ?? 'Standard')
        : 'Standard';
  if (tier === 'Standard' && size > STANDARD_LIMIT) {
    throw new SsmFault('ValidationException', `Standard tier parameters support a maximum parameter value of ${STANDARD_LIMIT} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`);
  }
  if (size > ADVANCED_LIMIT) {
    throw new SsmFault('ValidationException', `Advanced tier parameters support a maximum parameter value of ${ADVANCED_LIMIT} characters.`);
  }
  return tier;
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name) || name.split('/').length > 16) {
    throw new SsmFault('ValidationException', `Parameter name ${name} is not valid.`);
  }
}

function injectedFault(kind: Exclude<FailureKind, 'network' | 'hang'>): SsmFault {
  switch (kind) {
    case 'throttle':
      return new SsmFault('ThrottlingException', 'Rate exceeded');
    case 'access-denied':
      return new SsmFault('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/test is not authorized to perform this operation');
    case 'unavailable':
      return new SsmFault('InternalServerError', 'Internal server error', 500);
  }
}

function stringField(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) throw new SsmFault('ValidationException', `${key} is required.`);
  return value;
}

function listField(input: Record<string, unknown>, key: string): string[] {
  const value = input[key];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new SsmFault('ValidationException', `${key} must be a list of strings.`);
  }
  return value as string[];
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SsmFault('SerializationException', 'The request body is not a JSON object.');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 32),
  });
  res.end(text);
}
