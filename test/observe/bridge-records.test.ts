import type { DemoEnvironment } from '../../dev/demo-environment.js';
import { startDemoEnvironment } from '../../dev/demo-environment.js';
import { openaiClient, lastRequest, simulator } from '../support/e2e.js';
import { RecordCapture } from '../support/record-capture.js';

/** A bridged Chat call is recorded as the Chat call the caller made, with the usage Mantle reported. */
let env: DemoEnvironment;
const records = new RecordCapture();

beforeAll(async () => {
  env = await startDemoEnvironment({ credentials: 'explicit', records });
});
afterAll(() => env.close());

describe('request records of bridged Chat Completions', () => {
  it.each([
    ['without include_usage (the usage comes from the Responses stream itself)', false],
    ['with include_usage', true],
  ])('records a streamed call %s', async (_case, includeUsage) => {
    const { data: stream, response } = await openaiClient(env.gateway.url)
      .chat.completions.create({ model: 'gpt-55-bedrock', stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: 'one two three' }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: one two three');
    expect(lastRequest(simulator(env, 'us-east-2')).path).toBe('/openai/v1/responses');
    const record = await records.of(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'chat_completions',
      model: 'gpt-55-bedrock',
      route: { apiStyle: 'mantle_openai_responses', upstreamModel: 'openai.gpt-5.5' },
      stream: true,
      status: 200,
      usage: { inputTokens: expect.any(Number), outputTokens: 4, cacheReadTokens: 0 },
    });
    expect(record.error).toBeUndefined();
  });
});
