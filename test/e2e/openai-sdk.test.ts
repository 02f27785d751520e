import OpenAI from 'openai';
import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { CALLER_KEY, lastRequest, openaiClient, simulator, startE2E } from '../support/e2e.js';

let env: DemoEnvironment;
let client: OpenAI;

beforeAll(async () => {
  env = await startE2E();
  client = openaiClient(env.gateway.url);
});
afterAll(() => env.close());

describe('OpenAI SDK through the gateway', () => {
  it('answers a chat completion from the model\'s Mantle route, signed with SigV4', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: Hello there');
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(JSON.parse(upstream.body).model).toBe('openai.gpt-oss-120b');
    expect(upstream.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAMANTLEGATEWAYDEMO\/\d{8}\/us-east-2\/bedrock-mantle\/aws4_request/);
    expect(JSON.stringify(upstream.headers)).not.toContain(CALLER_KEY);
  });

  it('streams a chat completion chunk by chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen3-32b',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    const deltas: string[] = [];
    let usageChunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices.length === 0 && chunk.usage) usageChunks++;
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
    }
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Echo: one two three four');
    expect(usageChunks).toBe(1);
    expect(lastRequest(simulator(env, 'us-west-2')).path).toBe('/v1/chat/completions');
  });

  it('creates a response on /openai/v1 for GPT-5.5', async () => {
    const response = await client.responses.create({ model: 'gpt-55-bedrock', input: 'Write a concise migration note.' });
    expect(response.output_text).toBe('Echo: Write a concise migration note.');
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.path).toBe('/openai/v1/responses');
    expect(JSON.parse(upstream.body)).toEqual({ model: 'openai.gpt-5.5', input: 'Write a concise migration note.' });
  });

  it('streams Responses events in order', async () => {
    const stream = await client.responses.create({ model: 'gpt-55-bedrock', input: 'stream me please', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('Echo: stream me please');
  });

  it('serves gpt-oss Responses on /v1 and accepts the Mantle-style /openai/v1 base URL', async () => {
    const response = await openaiClient(env.gateway.url, '/openai/v1').responses.create({ model: 'gpt-oss-120b', input: 'alias' });
    expect(response.output_text).toBe('Echo: alias');
    expect(lastRequest(simulator(env, 'us-east-2')).path).toBe('/v1/responses');
  });

  it('retrieves, cancels and deletes stored responses wherever they live', async () => {
    const onV1 = await client.responses.create({ model: 'gpt-oss-120b', input: 'kept on /v1' });
    expect((await client.responses.retrieve(onV1.id)).output_text).toBe('Echo: kept on /v1');

    const background = await client.responses.create({ model: 'gpt-55-bedrock', input: 'long job', background: true });
    const cancelled = await client.responses.cancel(background.id);
    expect(cancelled.status).toBe('cancelled');

    await client.responses.delete(onV1.id);
    await expect(client.responses.retrieve(onV1.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('forwards the query of a stored-response retrieve', async () => {
    const created = await client.responses.create({ model: 'gpt-55-bedrock', input: 'with include' });
    const retrieved = await client.responses.retrieve(created.id, { include: ['message.output_text.logprobs'] });
    expect(retrieved.id).toBe(created.id);
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.method).toBe('GET');
    expect(upstream.path).toBe(`/openai/v1/responses/${created.id}`);
    expect(decodeURIComponent(upstream.query)).toContain('message.output_text.logprobs');
  });

  it('signs every value of a repeated query key (include[]=a&include[]=b)', async () => {
    const created = await client.responses.create({ model: 'gpt-55-bedrock', input: 'two includes' });
    const include = ['message.output_text.logprobs', 'reasoning.encrypted_content'] as const;
    const retrieved = await client.responses.retrieve(created.id, { include: [...include] });
    expect(retrieved.id).toBe(created.id);
    const upstream = lastRequest(simulator(env, 'us-east-2'));
    expect(upstream.identity).toBe('AKIAMANTLEGATEWAYDEMO');
    const sent = new URLSearchParams(upstream.query);
    expect([...sent.values()]).toEqual([...include]);
  });

  it('explains that Mantle does not serve input_items', async () => {
    const created = await client.responses.create({ model: 'gpt-55-bedrock', input: 'x' });
    const before = simulator(env, 'us-east-2').requests.length;
    const error = await client.responses.inputItems.list(created.id).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('not served by Amazon Bedrock Mantle');
    expect(simulator(env, 'us-east-2').requests.length).toBe(before);
  });

  it('lists the gateway\'s own model ids', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['gpt-55-bedrock', 'gpt-oss-120b', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3']);
    expect((await client.models.retrieve('claude-opus-4-7')).id).toBe('claude-opus-4-7');
  });
});
