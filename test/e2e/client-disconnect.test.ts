import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { createAwsGateway } from '../../lambda/aws-gateway.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import { staticConfigSource } from '../../lambda/core/index.js';

/**
 * An upstream that streams forever until its client goes away, and says when that happens: the gateway must
 * abort its upstream call when the caller disconnects (in Lambda the function would otherwise keep running).
 */
describe('a caller disconnecting mid-stream', () => {
  let upstream: Server;
  let gateway: LocalServer;
  let upstreamClosed: Promise<void>;
  let firstUpstreamEventSent: Promise<void>;

  beforeAll(async () => {
    let markClosed!: () => void;
    let markSent!: () => void;
    upstreamClosed = new Promise((resolve) => (markClosed = resolve));
    firstUpstreamEventSent = new Promise((resolve) => (markSent = resolve));
    upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"choices":[{"delta":{"content":"tick"}}]}\n\n'), 20);
      res.write('data: {"choices":[{"delta":{"content":"first"}}]}\n\n', () => markSent());
      res.on('close', () => {
        clearInterval(timer);
        markClosed();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const config = validateGatewayConfig({
      providers: [{ id: 'p', type: 'aws_bedrock', region: 'us-east-2', endpoint: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }],
      models: [{ id: 'm', routes: [{ provider: 'p', upstream_model: 'qwen.qwen3-32b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } }] }],
    });
    gateway = await startLocalServer({
      gateway: createAwsGateway({ config: staticConfigSource(config), credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }) }),
    });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('aborts the upstream call', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('first');
    await firstUpstreamEventSent;
    controller.abort();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });
});
