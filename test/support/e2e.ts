import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startDemoEnvironment, type DemoEnvironment } from '../../dev/demo-environment.js';
import type { MantleSimulator, RecordedRequest } from '../../dev/mantle-simulator/index.js';

/** The key a caller sends; the gateway must never pass it upstream. */
export const CALLER_KEY = 'sk-caller-secret-must-not-leak';

export async function startE2E(pacingMs = 0): Promise<DemoEnvironment> {
  return startDemoEnvironment({ credentials: 'explicit', pacingMs });
}

export function openaiClient(baseUrl: string, path = '/v1'): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}${path}`, apiKey: CALLER_KEY, maxRetries: 0 });
}

export function anthropicClient(baseUrl: string, path = ''): Anthropic {
  return new Anthropic({ baseURL: `${baseUrl}${path}`, apiKey: CALLER_KEY, maxRetries: 0 });
}

export function simulator(env: DemoEnvironment, region: string): MantleSimulator {
  const found = env.simulators.get(region);
  if (!found) throw new Error(`no simulator for ${region}`);
  return found;
}

/** Every request any simulator received, in the order of the simulators' regions. */
export function allUpstreamRequests(env: DemoEnvironment): RecordedRequest[] {
  return [...env.simulators.values()].flatMap((sim) => sim.requests);
}

export function lastRequest(sim: MantleSimulator): RecordedRequest {
  const request = sim.requests.at(-1);
  if (!request) throw new Error(`simulator ${sim.region} received nothing`);
  return request;
}
