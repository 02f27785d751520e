import OpenAI from 'openai';
import { openaiClient } from '../support/e2e.js';
import { MODELS, startTwoRegions, type TwoRegions } from '../support/two-regions.js';

/**
 * Stored responses live in the region that created them. Created during a fallback (us-east-2 failing, so in
 * us-west-2), they must still be found, by another gateway instance (another Lambda environment) too.
 */
let env: TwoRegions;
let creator: OpenAI;

beforeAll(async () => {
  env = await startTwoRegions();
  creator = openaiClient(env.gateway.url);
});
afterEach(() => env.clearFaults());
afterAll(() => env.close());

async function createDuringFallback(extra: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {}) {
  env.primary.injectFault({ path: '/openai/v1/responses', status: 503, times: 3 });
  const created = await creator.responses.create({ model: MODELS.responses, input: 'remember this', ...extra });
  expect(env.secondary.requests.at(-1)?.path).toBe('/openai/v1/responses');
  return created;
}

async function otherInstance(): Promise<OpenAI> {
  return openaiClient((await env.startGateway()).url);
}

const requestsTo = (region: 'primary' | 'secondary', method: string, path: string) =>
  env[region].requests.filter((request) => request.method === method && request.path === path).length;

describe('stored responses after a fallback, from another gateway instance', () => {
  it('retrieves and deletes the response where it lives', async () => {
    const created = await createDuringFallback();
    const other = await otherInstance();
    expect((await other.responses.retrieve(created.id)).output_text).toBe('Echo: remember this');
    await other.responses.delete(created.id);
    const path = `/openai/v1/responses/${created.id}`;
    expect(requestsTo('secondary', 'DELETE', path)).toBe(1);
    await expect(other.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('asks the holder first once this environment has found it', async () => {
    const created = await createDuringFallback();
    const other = await otherInstance();
    const path = `/openai/v1/responses/${created.id}`;
    await other.responses.retrieve(created.id);
    expect(requestsTo('primary', 'GET', path)).toBe(1);
    await other.responses.retrieve(created.id);
    expect(requestsTo('primary', 'GET', path)).toBe(1);
    expect(requestsTo('secondary', 'GET', path)).toBe(2);
  });

  it('cancels a background response where it runs', async () => {
    const created = await createDuringFallback({ background: true });
    const other = await otherInstance();
    expect((await other.responses.cancel(created.id)).status).toBe('cancelled');
    expect(requestsTo('secondary', 'POST', `/openai/v1/responses/${created.id}/cancel`)).toBe(1);
  });

  it('chains previous_response_id to the holder and never lets another region answer it', async () => {
    const created = await createDuringFallback();
    const other = await otherInstance();
    const primaryCreates = requestsTo('primary', 'POST', '/openai/v1/responses');
    const chained = await other.responses.create({ model: MODELS.responses, input: 'and then?', previous_response_id: created.id });
    expect(chained.previous_response_id).toBe(created.id);
    expect(chained.output_text).toBe('Echo: and then?');
    // us-east-2 was asked once and said it does not hold the previous response (404, nothing generated).
    expect(requestsTo('primary', 'POST', '/openai/v1/responses') - primaryCreates).toBe(1);
  });
});

describe('responses this environment created', () => {
  it('are looked up where they were created, after a fallback too, with no probe of another region', async () => {
    const created = await createDuringFallback();
    const path = `/openai/v1/responses/${created.id}`;
    expect((await creator.responses.retrieve(created.id)).output_text).toBe('Echo: remember this');
    expect(requestsTo('primary', 'GET', path)).toBe(0);
    expect(requestsTo('secondary', 'GET', path)).toBe(1);
  });

  it('learn their home from a streamed create\'s response.created event', async () => {
    env.primary.injectFault({ path: '/openai/v1/responses', status: 503, times: 3 });
    const stream = await creator.responses.create({ model: MODELS.responses, input: 'stream and remember', stream: true });
    let id: string | undefined;
    for await (const event of stream) if (event.type === 'response.created') id = event.response.id;
    expect(id).toMatch(/^resp_/);
    const path = `/openai/v1/responses/${id}`;
    await creator.responses.retrieve(id!);
    expect(requestsTo('primary', 'GET', path)).toBe(0);
    expect(requestsTo('secondary', 'GET', path)).toBe(1);
  });
});

describe('when the holder is failing', () => {
  it('gives the caller the holder\'s error, not another region\'s 404, on get and on a chained create', async () => {
    const created = await createDuringFallback();
    const other = await otherInstance();
    env.secondary.injectFault({ status: 503, times: 20 });
    const retrieved = await other.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect((retrieved as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const chained = await other.responses.create({ model: MODELS.responses, input: 'x', previous_response_id: created.id }).catch((caught: unknown) => caught);
    expect((chained as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((chained as Error).message).toContain('us-west-2: 503');
  });
});
