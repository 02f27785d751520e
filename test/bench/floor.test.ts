import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent } from 'node:http';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { startFloorProxy, type FloorProxy } from '../../bench/floor-proxy.js';
import { FloorSigner } from '../../bench/floor-sigv4.js';
import { send } from '../../bench/http-client.js';

const CREDENTIALS = { accessKeyId: 'AKIABENCHTEST000001', secretAccessKey: 'bench-test-secret', sessionToken: 'bench-test-token' };
const REGION = 'us-east-2';
const PINNED = new Date('2026-11-30T12:34:56.789Z');

describe('the floor signer (node:crypto SigV4 with a cached key)', () => {
  it('computes the same signature as @smithy/signature-v4 for the same request', async () => {
    const body = Buffer.from('{"model":"openai.gpt-oss-120b","messages":[]}');
    const ours = new FloorSigner(CREDENTIALS, REGION).sign({ method: 'POST', host: '127.0.0.1:4010', path: '/v1/chat/completions', body }, PINNED);
    const reference = await new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 'bedrock-mantle', sha256: Hash.bind(null, 'sha256') }).sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4010, path: '/v1/chat/completions', query: {}, headers: { host: '127.0.0.1:4010' }, body },
      { signingDate: PINNED },
    );
    expect(ours['x-amz-date']).toBe('20261130T123456Z');
    expect(ours.authorization).toBe(reference.headers['authorization']);
    expect(ours['x-amz-content-sha256']).toBe(reference.headers['x-amz-content-sha256']);
  });

  it('reuses its signing key within a day and derives a new one the next day', () => {
    const signer = new FloorSigner(CREDENTIALS, REGION);
    const target = { method: 'POST', host: 'h', path: '/', body: Buffer.alloc(0) };
    const first = signer.sign(target, PINNED).authorization;
    expect(signer.sign(target, PINNED).authorization).toBe(first);
    expect(signer.sign(target, new Date('2026-12-01T00:00:01Z')).authorization).toContain('/20261201/us-east-2/bedrock-mantle/aws4_request');
  });
});

describe('the floor proxy', () => {
  let sim: MantleSimulator;
  let floor: FloorProxy;
  const agent = new Agent({ keepAlive: true });
  beforeAll(async () => {
    sim = await startMantleSimulator({ region: REGION, credentials: [CREDENTIALS] });
    floor = await startFloorProxy({ upstream: sim.url, region: REGION, credentials: CREDENTIALS, models: { 'bench-chat': 'openai.gpt-oss-120b' } });
  });
  afterAll(async () => {
    agent.destroy();
    await floor.close();
    await sim.close();
  });

  it('swaps the model, signs so that the simulator accepts it, and pipes the answer back', async () => {
    const body = Buffer.from(JSON.stringify({ model: 'bench-chat', messages: [{ role: 'user', content: 'floor' }] }));
    const timing = await send(agent, { url: `${floor.url}/v1/chat/completions`, headers: {}, body }, { keepBody: true });
    expect(timing.status).toBe(200);
    expect(JSON.parse(timing.text!)).toMatchObject({ model: 'openai.gpt-oss-120b', choices: [{ message: { content: 'Echo: floor' } }] });
    const received = sim.requests.at(-1)!;
    expect(received.identity).toBe(CREDENTIALS.accessKeyId);
    expect(JSON.parse(received.body).model).toBe('openai.gpt-oss-120b');
  });

  it('is caught by the simulator when it signs with the wrong secret', async () => {
    const wrong = await startFloorProxy({ upstream: sim.url, region: REGION, credentials: { ...CREDENTIALS, secretAccessKey: 'not-it' }, models: {} });
    try {
      const body = Buffer.from(JSON.stringify({ model: 'openai.gpt-oss-120b', messages: [{ role: 'user', content: 'x' }] }));
      const timing = await send(agent, { url: `${wrong.url}/v1/chat/completions`, headers: {}, body }, { keepBody: true });
      expect(timing.status).toBe(403);
      expect(JSON.parse(timing.text!).error.code).toBe('signature_does_not_match');
    } finally {
      await wrong.close();
    }
  });
});
