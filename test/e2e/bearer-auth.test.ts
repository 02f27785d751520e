import OpenAI from 'openai';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { createAwsGateway } from '../../lambda/aws-gateway.js';
import { loadConfigFile } from '../../lambda/config/load-config-file.js';
import { staticConfigSource } from '../../lambda/core/index.js';
import { CALLER_KEY, lastRequest, openaiClient } from '../support/e2e.js';

/** The admin example verbatim (bearer auth from env.AWS_BEARER_TOKEN_BEDROCK, OpenAI-Project from the route). */
describe('a bearer-auth provider (Bedrock API key)', () => {
  const TOKEN = 'bedrock-api-key-for-tests';
  let sim: MantleSimulator;
  let gateway: LocalServer;
  let client: OpenAI;
  const logged: Array<{ message: string; details: Record<string, unknown> }> = [];

  beforeAll(async () => {
    sim = await startMantleSimulator({ region: 'us-east-2', credentials: [], bearerTokens: [TOKEN] });
    const config = await loadConfigFile('config/examples/gpt55-bearer.yaml');
    const pointed = { ...config, providers: config.providers.map((provider) => ({ ...provider, endpoint: sim.url })) };
    gateway = await startLocalServer({
      gateway: createAwsGateway({
        config: staticConfigSource(pointed),
        credentials: async () => { throw new Error('bearer routes must not sign'); },
        log: { error: (message, details) => logged.push({ message, details }) },
      }),
    });
    client = openaiClient(gateway.url);
  });
  afterEach(() => {
    delete process.env['AWS_BEARER_TOKEN_BEDROCK'];
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
  });

  it('sends the key as Bearer and the route\'s OpenAI-Project, never the caller\'s', async () => {
    process.env['AWS_BEARER_TOKEN_BEDROCK'] = TOKEN;
    const response = await client.responses.create({ model: 'gpt-55-bedrock', input: 'with a key' }, { headers: { 'OpenAI-Project': 'proj_caller' } });
    expect(response.output_text).toBe('Echo: with a key');
    const upstream = lastRequest(sim);
    expect(upstream.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(upstream.headers['openai-project']).toBe('proj_123');
    expect(JSON.stringify(upstream.headers)).not.toContain(CALLER_KEY);
  });

  it('answers 500 with a generic message and a request id when the key is not set; the log names the variable', async () => {
    const before = sim.requests.length;
    const error = await client.responses.create({ model: 'gpt-55-bedrock', input: 'x' }).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    const message = (error as Error).message;
    expect(message).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
    const requestId = /request id ([\w-]+)/.exec(message)?.[1];
    expect(requestId).toBeDefined();
    expect(logged.at(-1)).toEqual({ message: expect.stringContaining('env.AWS_BEARER_TOKEN_BEDROCK is not set'), details: expect.objectContaining({ requestId, status: 500 }) });
    expect(sim.requests.length).toBe(before);
  });
});
