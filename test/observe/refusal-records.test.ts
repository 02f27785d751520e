import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { createFunctionUrlHandler } from '../../lambda/adapters/lambda-adapter.js';
import { createGateway, staticConfigSource, type Gateway } from '../../lambda/core/index.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { FakeResponseStream, fakeHttpResponseStream } from '../support/fake-response-stream.js';
import { rawRequest } from '../support/raw-http.js';
import { RecordCapture } from '../support/record-capture.js';

/**
 * Requests the adapters refuse before the gateway can read them (methods, targets, Hosts, headers and bodies no
 * served request can hold, and what node's parser rejects) are answered in the API envelope and leave a request
 * record like any other: endpoint `unknown`, the status the caller got, the error, and no upstream attempt.
 */
const config = validateGatewayConfig({
  providers: [{ id: 'p', type: 'aws_bedrock', region: 'eu-west-1', endpoint: 'http://mantle.invalid' }],
  models: [{ id: 'm', routes: [{ provider: 'p', upstream_model: 'qwen.qwen3-32b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } }] }],
});

let records: RecordCapture;
let gateway: Gateway;
let server: LocalServer;
let upstreamCalls = 0;

beforeAll(async () => {
  records = new RecordCapture();
  gateway = createGateway({
    config: staticConfigSource(config),
    authorize: async () => undefined,
    records,
    fetch: async () => {
      upstreamCalls++;
      throw new Error('no upstream call expected');
    },
  });
  server = await startLocalServer({ gateway });
});
afterAll(() => server.close());

const close = 'Connection: close\r\n\r\n';

describe('records of refused requests', () => {
  it.each([
    ['a TRACE on Messages (the adapter refuses it)', 405, 'is not a method', `TRACE /v1/messages HTTP/1.1\r\nHost: gw\r\n${close}`],
    ['a Host that is not one', 400, 'invalid_host', `GET /v1/models HTTP/1.1\r\nHost: a/b\r\n${close}`],
    ['a CONNECT (a socket-level event)', 405, 'method_not_allowed', `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n${close}`],
    ['a malformed header line (node\'s parser rejects it)', 400, 'malformed_request', `GET /v1/models HTTP/1.1\r\nHost: gw\r\nno colon here\r\n${close}`],
  ])('records %s with status %i', async (_name, status, fragment, request) => {
    const reply = await rawRequest(server.url, request);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body).error).toBeDefined();
    expect(reply.body).toContain(fragment);
    const record = await records.of(reply.headers['x-request-id']);
    expect(record).toMatchObject({ endpoint: 'unknown', status, attempts: [], caller: { type: 'anonymous' }, error: { type: 'invalid_request' } });
    expect(upstreamCalls).toBe(0);
  });

  it('records a body over the size limit as a 413', async () => {
    const reply = await rawRequest(server.url, `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\ncontent-length: ${7 * 1024 * 1024}\r\n${close}${'x'.repeat(7 * 1024 * 1024)}`, 10_000);
    expect(reply.status).toBe(413);
    expect(await records.of(reply.headers['x-request-id'])).toMatchObject({ endpoint: 'unknown', status: 413, error: { type: 'invalid_request' } });
  });

  it('records a function URL event the Lambda adapter refuses, with the Lambda request id and the IAM caller', async () => {
    const stream = new FakeResponseStream();
    const handler = createFunctionUrlHandler(gateway, fakeHttpResponseStream);
    await handler(
      {
        rawPath: '/v1/messages',
        headers: { host: 'abc.lambda-url.eu-west-1.on.aws' },
        requestContext: { domainName: 'abc.lambda-url.eu-west-1.on.aws', http: { method: 'TRACE' }, authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:role/app' } } },
      },
      stream,
      { awsRequestId: 'lambda-refused-1' },
    );
    const parsed = stream.parse();
    expect(parsed.prelude?.statusCode).toBe(405);
    expect(JSON.parse(parsed.body)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(await records.of('lambda-refused-1')).toMatchObject({ endpoint: 'unknown', status: 405, caller: { type: 'iam', arn: 'arn:aws:iam::123456789012:role/app' } });
  });
});
