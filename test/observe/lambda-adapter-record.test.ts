import { webFetch } from '../support/answers.js';
import { createFunctionUrlHandler } from '../../lambda/adapters/lambda-adapter.js';
import type { FunctionUrlEvent } from '../../lambda/adapters/lambda-runtime-types.js';
import { createGateway, staticConfigSource } from '../../lambda/core/index.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { FakeResponseStream, fakeHttpResponseStream } from '../support/fake-response-stream.js';
import { RecordCapture } from '../support/record-capture.js';

/** On Lambda: the record carries the Lambda request id and the verified IAM caller; `clientGone` only when a write failed. */
const config = validateGatewayConfig({
  providers: [{ id: 'p', type: 'aws_bedrock', region: 'eu-west-1', endpoint: 'http://mantle.invalid' }],
  models: [{ id: 'm', routes: [{ provider: 'p', upstream_model: 'qwen.qwen3-32b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } }] }],
});

function event(): FunctionUrlEvent {
  return {
    rawPath: '/v1/chat/completions',
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    requestContext: { domainName: 'abc.lambda-url.eu-west-1.on.aws', http: { method: 'POST' }, authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:role/app' } } },
  };
}

function gatewayStreaming(records: RecordCapture, chunks: string[]) {
  return createGateway({
    config: staticConfigSource(config, 'rev-7'),
    authorize: async () => undefined,
    records,
    fetch: webFetch(() =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
            controller.close();
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'mantle-1' } },
      )),
  });
}

describe('request records through the Lambda adapter', () => {
  it('records the Lambda request id, IAM caller and config revision, without clientGone, and calls the per-invocation hook first', async () => {
    const records = new RecordCapture();
    const seen: string[] = [];
    const chunks = ['data: {"choices":[{"delta":{"content":"a"}}]}\n\n', 'data: {"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":1}}\n\ndata: [DONE]\n\n'];
    const stream = new FakeResponseStream();
    const handler = createFunctionUrlHandler(gatewayStreaming(records, chunks), fakeHttpResponseStream, (context) => seen.push(context.awsRequestId));
    await handler(event(), stream, { awsRequestId: 'lambda-req-7' });
    const parsed = stream.parse();
    expect(parsed.prelude?.headers?.['x-request-id']).toBe('lambda-req-7');
    expect(parsed.body).toBe(chunks.join(''));
    expect(seen).toEqual(['lambda-req-7']);
    const record = await records.of('lambda-req-7');
    expect(record).toMatchObject({
      caller: { type: 'iam', arn: 'arn:aws:iam::123456789012:role/app' },
      route: { provider: 'p', region: 'eu-west-1' },
      stream: true,
      bytesOut: Buffer.byteLength(chunks.join('')),
      usage: { inputTokens: 4, outputTokens: 1 },
      configRevision: 'rev-7',
    });
    expect(record).not.toHaveProperty('clientGone');
  });

  it('says clientGone when writing to the caller failed', async () => {
    const records = new RecordCapture();
    const stream = new FakeResponseStream();
    let writes = 0;
    stream._write = (_chunk, _encoding, callback) => callback(++writes > 1 ? new Error('EPIPE') : null);
    const many = Array.from({ length: 50 }, () => 'data: {"choices":[{"delta":{"content":"a"}}]}\n\n');
    await createFunctionUrlHandler(gatewayStreaming(records, many), fakeHttpResponseStream)(event(), stream, { awsRequestId: 'lambda-req-8' }).catch(() => undefined);
    const record = await records.of('lambda-req-8');
    expect(record.clientGone).toBe(true);
    expect(record.error).toBeUndefined();
  });
});
