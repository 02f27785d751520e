/**
 * The Lambda's own SSM client against the loopback SSM server (the one the AWS SDK is checked against in
 * test/config-store/ssm-server.test.ts): the answers the SDK would give, its error names, retries and endpoints.
 * The signature is checked on a bare loopback server that records the headers it receives.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsJsonClient, AwsServiceError } from '../../lambda/aws/aws-json-client.js';
import { SsmClient } from '../../lambda/aws/ssm-client.js';
import { createSsmSecureStringReader, resolveBearerToken } from '../../lambda/upstream/bearer-token.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-not-real', sessionToken: 'session-token' };
let ssm: SsmServer;

beforeAll(async () => {
  ssm = await startSsmServer();
});
afterAll(() => ssm.close());
beforeEach(() => {
  ssm.parameters.clear();
  ssm.requests.length = 0;
  ssm.failNext(0);
});

function client(options: ConstructorParameters<typeof SsmClient>[0] = {}): SsmClient {
  return new SsmClient({ region: 'us-east-1', endpoint: ssm.url, credentials: async () => CREDENTIALS, random: () => 0, ...options });
}

async function failure(promise: Promise<unknown>): Promise<AwsServiceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AwsServiceError)) throw new Error(`expected an AwsServiceError, got ${String(error)}`);
  return error;
}

describe('SsmClient', () => {
  it('reads one parameter, decrypted only when asked, and undefined when it does not exist', async () => {
    ssm.put('/p/plain', 'hello');
    ssm.put('/p/secret', 'key-value', 'SecureString');
    const reader = client();
    expect(await reader.getParameter('/p/plain', { decrypt: false })).toBe('hello');
    expect(await reader.getParameter('/p/secret', { decrypt: true })).toBe('key-value');
    expect(await reader.getParameter('/p/secret', { decrypt: false })).not.toBe('key-value');
    expect(await reader.getParameter('/p/missing', { decrypt: false })).toBeUndefined();
    expect(ssm.requests.map((request) => request.input)).toEqual([
      { Name: '/p/plain', WithDecryption: false },
      { Name: '/p/secret', WithDecryption: true },
      { Name: '/p/secret', WithDecryption: false },
      { Name: '/p/missing', WithDecryption: false },
    ]);
  });

  it('reads every page of a path, by name relative to it, one level or recursively', async () => {
    for (let index = 0; index < 23; index += 1) ssm.put(`/p/models/m${String(index).padStart(2, '0')}`, `v${index}`);
    ssm.put('/p/models/deep/child', 'nested');
    ssm.put('/p/other/x', 'elsewhere');
    const reader = client();
    const shallow = await reader.getParametersByPath('/p/models', { decrypt: true, recursive: false });
    expect(shallow.size).toBe(23);
    expect(shallow.get('m00')).toBe('v0');
    expect(shallow.get('m22')).toBe('v22');
    expect(ssm.calls()).toEqual({ GetParametersByPath: 3 });
    const deep = await reader.getParametersByPath('/p/models/', { decrypt: false, recursive: true });
    expect(deep.size).toBe(24);
    expect(deep.get('deep/child')).toBe('nested');
  });

  it.each([
    ['throttle', 'ThrottlingException', 400],
    ['access-denied', 'AccessDeniedException', 400],
    ['unavailable', 'InternalServerError', 500],
  ] as const)('fails as the SDK names it (%s: %s)', async (kind, name, status) => {
    ssm.failNext(1, kind);
    const error = await failure(client({ maxAttempts: 1 }).getParameter('/p/x', { decrypt: false }));
    expect(error).toMatchObject({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(error.message).not.toBe('');
  });

  it('retries throttling, 5xx and dropped connections, at most maxAttempts calls in all', async () => {
    ssm.put('/p/x', 'value');
    ssm.failNext(2, 'throttle');
    expect(await client().getParameter('/p/x', { decrypt: false })).toBe('value');
    expect(ssm.requests).toHaveLength(3);

    ssm.requests.length = 0;
    ssm.failNext(2, 'network');
    expect(await client().getParameter('/p/x', { decrypt: false })).toBe('value');
    expect(ssm.requests).toHaveLength(3);

    ssm.requests.length = 0;
    ssm.failNext(Infinity, 'unavailable');
    expect(await failure(client().getParameter('/p/x', { decrypt: false }))).toMatchObject({ name: 'InternalServerError', $metadata: { attempts: 3 } });
    expect(ssm.requests).toHaveLength(3);
  });

  it('does not retry what another call cannot mend (access denied)', async () => {
    ssm.failNext(Infinity, 'access-denied');
    await failure(client().getParameter('/p/x', { decrypt: false }));
    expect(ssm.requests).toHaveLength(1);
  });

  it('fails a call that gets no answer within its time limit, with a retryable network code', async () => {
    ssm.failNext(1, 'hang');
    const error = await client({ maxAttempts: 1, attemptTimeoutMs: 50 })
      .getParameter('/p/x', { decrypt: false })
      .catch((caught: unknown) => caught as Error & { code?: string });
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
  });

  it('takes its endpoint from AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL, and its region from AWS_REGION', async () => {
    ssm.put('/p/x', 'value');
    const fromEnv = (env: Record<string, string>) => new SsmClient({ env, credentials: async () => CREDENTIALS });
    expect(await fromEnv({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SSM: ssm.url, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }).getParameter('/p/x', { decrypt: false })).toBe('value');
    expect(await fromEnv({ AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL: ssm.url }).getParameter('/p/x', { decrypt: false })).toBe('value');
    await expect(fromEnv({ AWS_ENDPOINT_URL_SSM: ssm.url }).getParameter('/p/x', { decrypt: false })).rejects.toMatchObject({ name: 'RegionMissingError' });
  });
});

describe('AwsJsonClient signing and endpoints', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string; path: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body, path: req.url });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts awsJson1_1 signed with SigV4 for service ssm in its region, with the session token', async () => {
    const reader = new SsmClient({ region: 'eu-west-1', endpoint: url, credentials: async () => CREDENTIALS });
    await reader.getParameter('/p/x', { decrypt: true });
    const { headers, body, path } = received.at(-1)!;
    expect(path).toBe('/');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(JSON.parse(body)).toEqual({ Name: '/p/x', WithDecryption: true });
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    const authorization = String(headers['authorization']);
    const date = String(headers['x-amz-date']);
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date.slice(0, 8)}/eu-west-1/ssm/aws4_request, SignedHeaders=`));
    expect(authorization.split('Signature=')[1]).toBe(referenceSignature(headers, body, authorization));
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1' }, 'https://ssm.eu-west-1.amazonaws.com/'],
    [{ AWS_REGION: 'us-gov-west-1', AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://ssm-fips.us-gov-west-1.amazonaws.com/'],
    [{ AWS_REGION: 'us-east-2', AWS_USE_DUALSTACK_ENDPOINT: 'true' }, 'https://ssm.us-east-2.api.aws/'],
    [{ AWS_REGION: 'cn-north-1' }, 'https://ssm.cn-north-1.amazonaws.com.cn/'],
    [{ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:1/', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'https://ssm.eu-west-1.amazonaws.com/'],
  ])('resolves the endpoint for %j: %s', (env, endpoint) => {
    const json = new AwsJsonClient({ service: 'ssm', targetPrefix: 'AmazonSSM', signer: { sign: async () => undefined }, env });
    expect(json.endpoint?.href).toBe(endpoint);
  });
});

describe('createSsmSecureStringReader', () => {
  it('reads a SecureString decrypted once per max age, sharing a pending read, and keeps no failure', async () => {
    ssm.put('/keys/bedrock', 'bedrock-key-1', 'SecureString');
    let now = 0;
    const read = createSsmSecureStringReader(client({ maxAttempts: 1 }), 300, () => now);
    expect(await Promise.all([read('/keys/bedrock'), read('/keys/bedrock')])).toEqual(['bedrock-key-1', 'bedrock-key-1']);
    expect(ssm.requests).toEqual([{ operation: 'GetParameter', input: { Name: '/keys/bedrock', WithDecryption: true } }]);

    ssm.put('/keys/bedrock', 'bedrock-key-2', 'SecureString');
    now = 299_000;
    expect(await read('/keys/bedrock')).toBe('bedrock-key-1');
    now = 300_000;
    ssm.failNext(1, 'throttle');
    await expect(read('/keys/bedrock')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(await read('/keys/bedrock')).toBe('bedrock-key-2');
  });

  it('reports a SecureString that does not exist as the provider\'s missing key, naming the reference only', async () => {
    const read = createSsmSecureStringReader(client());
    await expect(resolveBearerToken({ source: 'ssm', name: '/keys/none' }, read)).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('ssm:/keys/none is not set'),
    });
  });
});

/** SigV4 from the specification, over the headers the signer listed (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html). */
function referenceSignature(headers: IncomingHttpHeaders, body: string, authorization: string): string {
  const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
  const hmac = (key: string | Buffer, value: string): Buffer => createHmac('sha256', key).update(value).digest();
  const names = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  const date = String(headers['x-amz-date']);
  const canonical = ['POST', '/', '', ...names.map((name) => `${name}:${String(headers[name]).trim()}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${date.slice(0, 8)}/eu-west-1/ssm/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date.slice(0, 8));
  for (const part of ['eu-west-1', 'ssm', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
