/**
 * The loopback SSM server behaves like SSM where the store and the CLI depend on it, checked with the real SDK.
 */
import {
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
  type SSMServiceException,
} from '@aws-sdk/client-ssm';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';

let ssm: SsmServer;
let client: SSMClient;

beforeAll(async () => {
  ssm = await startSsmServer();
  client = new SSMClient({
    region: 'us-east-1',
    endpoint: ssm.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-not-real' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await ssm.close();
});

beforeEach(() => ssm.parameters.clear());

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const serviceError = error as SSMServiceException;
    return { name: serviceError.name, status: serviceError.$metadata?.httpStatusCode };
  }
  throw new Error('expected a failure');
}

describe('startSsmServer', () => {
  it('bumps the version on overwrite and refuses to replace without Overwrite', async () => {
    const put = (overwrite: boolean) => client.send(new PutParameterCommand({ Name: '/p/a', Value: 'v', Type: 'String', Overwrite: overwrite }));
    expect((await put(false)).Version).toBe(1);
    expect((await put(true)).Version).toBe(2);
    expect(await failure(put(false))).toEqual({ name: 'ParameterAlreadyExists', status: 400 });
  });

  it('answers ParameterNotFound for a missing name', async () => {
    expect(await failure(client.send(new GetParameterCommand({ Name: '/p/missing' })))).toEqual({ name: 'ParameterNotFound', status: 400 });
  });

  it('returns a SecureString as stored only when asked to decrypt', async () => {
    ssm.put('/p/secret', 'plaintext', 'SecureString');
    const read = async (decrypt: boolean) => (await client.send(new GetParameterCommand({ Name: '/p/secret', WithDecryption: decrypt }))).Parameter?.Value;
    expect(await read(true)).toBe('plaintext');
    expect(await read(false)).not.toContain('plaintext');
  });

  it.each([
    [true, ['/p/a', '/p/b/c']],
    [false, ['/p/a']],
  ])('lists a path with Recursive %s', async (recursive, names) => {
    for (const name of ['/p/a', '/p/b/c', '/q/d']) ssm.put(name, 'v');
    const page = await client.send(new GetParametersByPathCommand({ Path: '/p', Recursive: recursive }));
    expect(page.Parameters?.map((parameter) => parameter.Name)).toEqual(names);
  });

  it('pages by 10 with NextToken and refuses larger pages', async () => {
    for (let index = 0; index < 25; index += 1) ssm.put(`/p/${String(index).padStart(2, '0')}`, 'v');
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetParametersByPathCommand({ Path: '/p', ...(token ? { NextToken: token } : {}) }));
      sizes.push(page.Parameters?.length ?? 0);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([10, 10, 5]);
    expect(await failure(client.send(new GetParametersByPathCommand({ Path: '/p', MaxResults: 50 })))).toEqual({ name: 'ValidationException', status: 400 });
  });

  it.each([
    ['throttle', { name: 'ThrottlingException', status: 400 }],
    ['access-denied', { name: 'AccessDeniedException', status: 400 }],
    ['unavailable', { name: 'InternalServerError', status: 500 }],
  ] as const)('fails the next requests as %s when told to', async (kind, expected) => {
    ssm.put('/p/a', 'v');
    ssm.failNext(2, kind);
    const get = () => client.send(new GetParameterCommand({ Name: '/p/a' }));
    expect(await failure(get())).toEqual(expected);
    expect(await failure(get())).toEqual(expected);
    expect((await get()).Parameter?.Value).toBe('v');
  });

  it('fails only the request an intercept hook picks, and reports names deleted meanwhile as InvalidParameters', async () => {
    for (const name of ['/p/a', '/p/b', '/p/c']) ssm.put(name, 'v');
    let deletes = 0;
    ssm.intercept((request) => {
      if (request.operation !== 'DeleteParameters') return undefined;
      deletes += 1;
      if (deletes === 1) ssm.delete('/p/b'); // another admin, at the same time
      return deletes === 2 ? 'access-denied' : undefined;
    });
    try {
      const first = await client.send(new DeleteParametersCommand({ Names: ['/p/a', '/p/b'] }));
      expect(first).toMatchObject({ DeletedParameters: ['/p/a'], InvalidParameters: ['/p/b'] });
      expect(await failure(client.send(new DeleteParametersCommand({ Names: ['/p/c'] })))).toEqual({ name: 'AccessDeniedException', status: 400 });
      expect((await client.send(new DeleteParametersCommand({ Names: ['/p/c'] }))).DeletedParameters).toEqual(['/p/c']);
    } finally {
      ssm.intercept(undefined);
    }
  });

  it('enforces the standard tier size and lets Intelligent-Tiering move up to advanced', async () => {
    const large = 'x'.repeat(5000);
    expect(await failure(client.send(new PutParameterCommand({ Name: '/p/large', Value: large, Type: 'String', Tier: 'Standard' })))).toEqual({
      name: 'ValidationException',
      status: 400,
    });
    expect((await client.send(new PutParameterCommand({ Name: '/p/large', Value: large, Type: 'String', Tier: 'Intelligent-Tiering' }))).Tier).toBe('Advanced');
  });
});
