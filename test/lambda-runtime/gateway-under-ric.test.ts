/**
 * The deployable artifact, proven under the real Lambda runtime: the asset `cdk synth` bundles for the gateway
 * function runs under aws-lambda-ric (Node 22) behind the function URL front, reads its routes from an
 * SSM-compatible server, signs with the role-like credentials it is given, and calls the Mantle simulator.
 * The official SDKs are the callers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { toParameters } from '../../lambda/config-store/parameter-layout.js';
import { synthGatewayAsset } from '../cdk/synth-asset.js';
import { startSsmServer, type SsmServer } from '../support/ssm-server.js';
import { rawRequest } from '../support/raw-http.js';
import { generateApiKey } from '../../lambda/auth/api-key.js';
import { routesWithSimulators } from './routes-with-simulators.js';
import { runUnderRic, type LambdaUnderRic } from './run-under-ric.js';

const PREFIX = '/mantle-gateway';
let outdir: string;
let lambda: LambdaUnderRic;
let ssm: SsmServer;
const simulators = new Map<string, MantleSimulator>();
/** A gateway API key with every model: the function runs in api_key mode. */
const CALLER = generateApiKey();
const CALLER_KEY = CALLER.key;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'gateway-asset-'));
  const assetDir = await synthGatewayAsset(outdir);
  const routes = await routesWithSimulators();
  const document = routes.document;
  for (const [region, simulator] of routes.simulators) simulators.set(region, simulator);
  ssm = await startSsmServer();
  for (const [name, value] of toParameters(PREFIX, document)) ssm.put(name, value);
  ssm.put(
    `${PREFIX}/keys/${CALLER.keyId}`,
    JSON.stringify({ id: CALLER.keyId, name: 'runtime-test', hash: CALLER.hash, grants: ['*'], created_at: '2026-11-01T00:00:00Z' }),
    'SecureString',
  );
  lambda = await runUnderRic({
    taskRoot: assetDir,
    region: 'us-east-2',
    env: {
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: DEMO_CREDENTIALS.sessionToken!,
      GATEWAY_SSM_PREFIX: PREFIX,
      GATEWAY_AUTH_MODE: 'api_key',
    },
  });
}, 120_000);

afterAll(async () => {
  await lambda?.stop();
  await ssm?.close();
  await Promise.all([...simulators.values()].map((sim) => sim.close()));
  rmSync(outdir, { recursive: true, force: true });
});

function east(): MantleSimulator {
  return simulators.get('us-east-2')!;
}

describe('the CDK-bundled gateway under the real Lambda runtime', () => {
  it('answers a chat completion, signed with the function\'s credentials', async () => {
    const client = new OpenAI({ baseURL: `${lambda.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'from the runtime' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: from the runtime');
    const upstream = east().requests.at(-1)!;
    expect(upstream.identity).toBe(DEMO_CREDENTIALS.accessKeyId);
    expect(JSON.stringify(upstream.headers)).not.toContain(CALLER.secret);
  });

  it('streams Responses events and Anthropic messages through the function URL', async () => {
    const openai = new OpenAI({ baseURL: `${lambda.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
    let text = '';
    for await (const event of await openai.responses.create({ model: 'gpt-55-bedrock', input: 'stream through lambda', stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Echo: stream through lambda');

    const anthropic = new Anthropic({ baseURL: lambda.url, apiKey: CALLER_KEY, maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: 'claude-opus-4-7', max_tokens: 32, messages: [{ role: 'user', content: 'hello runtime' }] }).finalMessage();
    expect(message.content[0]).toMatchObject({ text: 'Echo: hello runtime' });
  });

  it('keeps statuses and headers of gateway-made errors, in each API\'s shape', async () => {
    const response = await fetch(`${lambda.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CALLER_KEY },
      body: JSON.stringify({ model: 'no-such-model', max_tokens: 1, messages: [] }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    const methodNotAllowed = await fetch(`${lambda.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${CALLER_KEY}` } });
    expect(methodNotAllowed.status).toBe(405);
    expect(methodNotAllowed.headers.get('allow')).toBe('POST');
  });

  it('passes an upstream error to the caller in its API\'s shape', async () => {
    // 422 is the request's fault: no retry mends it, so Mantle's own answer reaches the caller.
    east().injectFault({ path: '/v1/chat/completions', status: 422, body: { error: { message: 'Bad input.', type: 'invalid_request_error', code: 'unprocessable', param: null } } });
    const client = new OpenAI({ baseURL: `${lambda.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((error as InstanceType<typeof OpenAI.UnprocessableEntityError>).error).toMatchObject({ message: 'Bad input.' });
  });

  it.each([
    ['TRACE', 'TRACE /v1/models HTTP/1.1', 405, 'openai'],
    ['TRACE on Messages', 'TRACE /v1/messages HTTP/1.1', 405, 'anthropic'],
  ])('answers %s (%s) with an API-shaped %i, not a bare 502 and an invocation error', async (_name, requestLine, status, surface) => {
    const reply = await rawRequest(lambda.url, `${requestLine}\r\nHost: gateway\r\nConnection: close\r\n\r\n`);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toBe('application/json');
    const json = JSON.parse(reply.body);
    if (surface === 'anthropic') expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    else expect(json.error).toMatchObject({ code: 'method_not_allowed' });
    expect(await lambda.invocations.at(-1)!.outcome).toEqual({ kind: 'streamed' });
  });

  it('serves a request whose header holds characters above U+00FF (a CDN\'s UTF-8 geo header)', async () => {
    const body = JSON.stringify({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'from Srīperumbūdūr' }] });
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nAuthorization: Bearer ${CALLER_KEY}\r\ncf-ipcity: Srīperumbūdūr\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    const reply = await rawRequest(lambda.url, Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(body)]));
    expect(lambda.invocations.at(-1)!.event.headers['cf-ipcity']).toBe('Srīperumbūdūr');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).choices[0].message.content).toBe('Echo: from Srīperumbūdūr');
  });

  it('writes one request record per invocation and one ColdStart metric per environment to the runtime\'s log', async () => {
    const client = new OpenAI({ baseURL: `${lambda.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
    const ids: string[] = [];
    for (const content of ['record one', 'record two']) {
      const { response } = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content }] }).withResponse();
      ids.push(response.headers.get('x-request-id')!);
    }
    // The record is written after the answer's last byte (the check phase after it), still inside the invocation.
    const recordOf = (id: string) =>
      lambda
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"message":"request"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((record) => record['requestId'] === id);
    const deadline = Date.now() + 5_000;
    while (ids.some((id) => recordOf(id).length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const id of ids) {
      const records = recordOf(id);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ function_request_id: id, endpoint: 'chat_completions', status: 200, caller: { type: 'key', id: CALLER.keyId } });
    }
    expect(lambda.output().match(/"Name":"ColdStart"/g) ?? []).toHaveLength(1);

    // A streamed call's record carries the usage the stream reported, read on the way through.
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-oss-120b', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'record a stream' }] })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const streamedId = response.headers.get('x-request-id')!;
    const until = Date.now() + 5_000;
    while (recordOf(streamedId).length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recordOf(streamedId)).toHaveLength(1);
    expect(recordOf(streamedId)[0]).toMatchObject({ stream: true, status: 200, usage: { inputTokens: usage!.prompt_tokens, outputTokens: usage!.completion_tokens } });
  });

  // Last: the stalled upstream keeps this invocation busy until the runtime is stopped.
  it('delivers stream chunks as they arrive, not when the upstream finishes', async () => {
    east().injectFault({ path: '/v1/chat/completions', stallAfterEvents: 3 });
    const controller = new AbortController();
    const response = await fetch(`${lambda.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` },
      body: JSON.stringify({ model: 'gpt-oss-120b', stream: true, messages: [{ role: 'user', content: 'never finishes here' }] }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let received = '';
    while ((received.match(/^data: /gm) ?? []).length < 3) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += new TextDecoder().decode(value);
    }
    // Three events reached the caller while the upstream stream is still open (stalled): nothing was buffered.
    expect(received).toContain('"role":"assistant"');
    expect(received).not.toContain('[DONE]');
    controller.abort();
  });
});
