/**
 * A loopback simulator of Amazon Bedrock Mantle for tests and `npm run demo`: SigV4 and API-key auth, the three
 * surfaces with per-model routing, SSE streaming, per-region Responses state and scripted faults.
 */
export { startMantleSimulator } from './server.js';
export { DEFAULT_MODELS } from './catalog.js';
export type {
  Fault,
  MantleSimulator,
  OpenAIBasePath,
  RecordedRequest,
  SimulatedModel,
  SimulatorCredentials,
  SimulatorOptions,
  Surface,
} from './types.js';
