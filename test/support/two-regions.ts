import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { startLocalServer, type LocalServer } from '../../lambda/adapters/node-server.js';
import { createAwsGateway, type AwsGatewayOptions } from '../../lambda/aws-gateway.js';
import { validateGatewayConfig } from '../../lambda/config/validate.js';
import type { GatewayConfig } from '../../lambda/config/types.js';
import { staticConfigSource } from '../../lambda/core/index.js';

/**
 * Two simulated Mantle regions (us-east-2 first, us-west-2 second) and gateways in front of them, with a model
 * per surface that has a route in each region: the setting every retry, fallback and affinity test needs.
 */
export const PRIMARY = 'us-east-2';
export const SECONDARY = 'us-west-2';

export const MODELS = {
  chat: 'chat-two-regions',
  responses: 'responses-two-regions',
  messages: 'claude-two-regions',
  /** A Responses model that Chat callers reach through the bridge. */
  bridged: 'bridged-two-regions',
} as const;

const STYLES = {
  chat: { upstream_model: 'openai.gpt-oss-120b', compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } } },
  responses: { upstream_model: 'openai.gpt-5.5', compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1' } } },
  messages: { upstream_model: 'anthropic.claude-opus-4-7', compatibility: { aws_bedrock: { api_style: 'mantle_anthropic_messages' } } },
  bridged: { upstream_model: 'openai.gpt-5.5', capabilities: { chat_completions: true }, compatibility: { aws_bedrock: { api_style: 'mantle_openai_responses', openai_base_path: '/openai/v1', bridge: ['chat_completions'] } } },
};

export type GatewayTuning = Omit<AwsGatewayOptions, 'config' | 'credentials'>;

/** Fast retries for tests: no real backoff, no cool-down unless a test asks for it. */
export const FAST: GatewayTuning = { retry: { baseDelayMs: 2, budgetMs: 5_000, cooldownMs: 0 }, headersTimeoutMs: 2_000 };

export interface TwoRegions {
  readonly primary: MantleSimulator;
  readonly secondary: MantleSimulator;
  readonly config: GatewayConfig;
  /** The first gateway instance, with {@link FAST} settings. */
  readonly gateway: LocalServer;
  /** Another gateway instance (another Lambda environment: no memory shared with the first). */
  startGateway(tuning?: GatewayTuning): Promise<LocalServer>;
  /** Every upstream request so far, both regions. */
  upstreamCount(): number;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startTwoRegions(tuning: GatewayTuning = FAST): Promise<TwoRegions> {
  const primary = await startMantleSimulator({ region: PRIMARY, credentials: [DEMO_CREDENTIALS] });
  const secondary = await startMantleSimulator({ region: SECONDARY, credentials: [DEMO_CREDENTIALS] });
  const config = validateGatewayConfig({
    providers: [primary, secondary].map((sim) => ({ id: sim.region, type: 'aws_bedrock', region: sim.region, endpoint: sim.url })),
    models: Object.entries(MODELS).map(([surface, id]) => ({
      id,
      routes: [PRIMARY, SECONDARY].map((provider) => ({ provider, ...STYLES[surface as keyof typeof STYLES] })),
    })),
  });
  const servers: LocalServer[] = [];
  const startGateway = async (options: GatewayTuning = FAST): Promise<LocalServer> => {
    const server = await startLocalServer({
      gateway: createAwsGateway({ config: staticConfigSource(config), credentials: async () => DEMO_CREDENTIALS, ...options }),
    });
    servers.push(server);
    return server;
  };
  const gateway = await startGateway(tuning);
  return {
    primary,
    secondary,
    config,
    gateway,
    startGateway,
    upstreamCount: () => primary.requests.length + secondary.requests.length,
    clearFaults: () => {
      primary.clearFaults();
      secondary.clearFaults();
    },
    close: async () => {
      await Promise.all(servers.map((server) => server.close()));
      await Promise.all([primary.close(), secondary.close()]);
    },
  };
}

/** A log that remembers what it was told, for asserting on what the gateway reports. */
export function recordingLog() {
  const entries: Array<{ level: 'error' | 'info'; message: string; details: Record<string, unknown> }> = [];
  return {
    entries,
    error: (message: string, details: Record<string, unknown>) => entries.push({ level: 'error', message, details }),
    info: (message: string, details: Record<string, unknown>) => entries.push({ level: 'info', message, details }),
  };
}
