/**
 * The example route file pointed at one Mantle simulator per region it names: what the runtime tests seed into
 * their SSM server.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEMO_CREDENTIALS } from '../../dev/demo-environment.js';
import { startMantleSimulator, type MantleSimulator } from '../../dev/mantle-simulator/index.js';

export interface RoutesWithSimulators {
  readonly document: { providers: Array<Record<string, unknown>>; models: unknown[] };
  readonly simulators: Map<string, MantleSimulator>;
}

export async function routesWithSimulators(file = 'config/gateway.yaml'): Promise<RoutesWithSimulators> {
  const document = parse(readFileSync(file, 'utf8')) as RoutesWithSimulators['document'];
  const simulators = new Map<string, MantleSimulator>();
  for (const region of new Set(document.providers.map((provider) => provider['region'] as string))) {
    simulators.set(region, await startMantleSimulator({ region, credentials: [DEMO_CREDENTIALS] }));
  }
  for (const provider of document.providers) provider['endpoint'] = simulators.get(provider['region'] as string)!.url;
  return { document, simulators };
}
