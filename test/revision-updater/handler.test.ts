/**
 * The updater the EventBridge rule invokes, run as Lambda would call it, against the loopback SSM server.
 */
import { jest } from '@jest/globals';
import type { ParameterStoreChangeEvent } from '../../lambda/revision-updater/handler.js';
import { pointAwsSdkAt, startSsmServer, type SsmServer } from '../support/ssm-server.js';

let ssm: SsmServer;
let handler: (event: ParameterStoreChangeEvent) => Promise<{ marker: string; value: string }>;

beforeAll(async () => {
  ssm = await startSsmServer();
  pointAwsSdkAt(ssm);
  process.env['GATEWAY_REVISION_PARAMETER'] = '/mantle-gateway/revision';
  ({ handler } = await import('../../lambda/revision-updater/handler.js'));
});

afterAll(() => ssm.close());

const event = (name: string, operation = 'Update'): ParameterStoreChangeEvent => ({
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  detail: { name, operation },
});

describe('the revision marker updater', () => {
  it('writes a new marker value for each change, a String that any later value replaces', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const first = await handler(event('/mantle-gateway/models/qwen3-32b'));
    const second = await handler(event('/mantle-gateway/providers/mantle-us-east-2', 'Delete'));
    expect(first.marker).toBe('/mantle-gateway/revision');
    expect(second.value).not.toBe(first.value);
    expect(ssm.parameters.get('/mantle-gateway/revision')).toMatchObject({ value: second.value, type: 'String', version: 2 });
    expect(ssm.requests.map((request) => request.input)).toEqual([
      expect.objectContaining({ Name: '/mantle-gateway/revision', Overwrite: true, Type: 'String' }),
      expect.objectContaining({ Name: '/mantle-gateway/revision', Overwrite: true, Type: 'String' }),
    ]);
    expect(JSON.parse(String(log.mock.calls[1]?.[0]))).toMatchObject({ changed: '/mantle-gateway/providers/mantle-us-east-2', operation: 'Delete', value: second.value });
    log.mockRestore();
  });

  it('fails (so Lambda retries the event) when SSM refuses the write', async () => {
    ssm.failNext(1, 'access-denied');
    await expect(handler(event('/mantle-gateway/models/qwen3-32b'))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
