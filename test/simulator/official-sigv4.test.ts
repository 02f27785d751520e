import OpenAI from 'openai';
import { bedrock } from 'openai/providers/bedrock/aws';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { REGION, ROLE, USER, startTestSimulator } from './helpers.js';

/**
 * The openai SDK's own Bedrock SigV4 provider is an independent signer: if it passes the simulator's verifier
 * (it signs every header it sends, x-stainless-* included), the verifier is not merely agreeing with itself.
 */
describe('simulator against the official openai Bedrock SigV4 provider', () => {
  let sim: MantleSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  const client = (credentials: typeof USER, region = REGION): OpenAI =>
    new OpenAI({
      maxRetries: 0,
      provider: bedrock({ region, baseURL: `${sim.url}/openai/v1`, ...credentials }),
    });

  it.each([
    ['long-term keys', USER],
    ['role credentials with a session token', ROLE],
  ])('accepts a Responses call signed with %s', async (_name, credentials) => {
    const response = await client(credentials).responses.create({ model: 'openai.gpt-5.5', input: 'signed' });
    expect(response.output_text).toBe('Echo: signed');
    expect(sim.requests.at(-1)?.identity).toBe(credentials.accessKeyId);
  });

  it('accepts a signed streaming call', async () => {
    const final = await client(USER).responses.stream({ model: 'openai.gpt-5.5', input: 'signed stream' }).finalResponse();
    expect(final.output_text).toBe('Echo: signed stream');
  });

  it('accepts a signed GET and DELETE of a stored response', async () => {
    const openai = client(USER);
    const created = await openai.responses.create({ model: 'openai.gpt-5.5', input: 'keep' });
    expect((await openai.responses.retrieve(created.id)).id).toBe(created.id);
    await openai.responses.delete(created.id);
    await expect(openai.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('accepts a retrieve whose query repeats a key (include[]), signed by the official provider', async () => {
    const openai = client(USER);
    const created = await openai.responses.create({ model: 'openai.gpt-5.5', input: 'two includes' });
    const retrieved = await openai.responses.retrieve(created.id, { include: ['message.output_text.logprobs', 'reasoning.encrypted_content'] });
    expect(retrieved.id).toBe(created.id);
    expect(new URLSearchParams(sim.requests.at(-1)!.query).getAll('include[]')).toHaveLength(2);
  });

  it('rejects the provider signing for another region with 403', async () => {
    await expect(
      client(USER, 'us-west-2').responses.create({ model: 'openai.gpt-5.5', input: 'wrong region' }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
