/**
 * Builders for provider and model documents as an admin writes them, a logger that records what it is told,
 * and a clock the tests move by hand.
 */
import type { ConfigStoreLogger } from '../../lambda/config-store/ssm-config-source.js';
import type { SsmServer } from '../support/ssm-server.js';

export const PREFIX = '/mantle-gateway';

export function providerDocument(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'aws_bedrock', region: 'us-east-2', auth: { mode: 'default_chain' }, ...overrides };
}

export function modelDocument(id: string, options: { provider?: string; upstream?: string } = {}): Record<string, unknown> {
  return {
    id,
    routes: [
      {
        provider: options.provider ?? 'east',
        upstream_model: options.upstream ?? 'openai.gpt-oss-120b',
        compatibility: { aws_bedrock: { api_style: 'mantle_openai_chat', openai_base_path: '/v1' } },
      },
    ],
  };
}

export function providerParameter(id: string): string {
  return `${PREFIX}/providers/${id}`;
}

export function modelParameter(id: string): string {
  return `${PREFIX}/models/${id}`;
}

/** Writes documents as the admin CLI would: one JSON parameter each. */
export function seed(ssm: SsmServer, documents: { providers?: Record<string, unknown>[]; models?: Record<string, unknown>[] }): void {
  for (const provider of documents.providers ?? []) ssm.put(providerParameter(String(provider['id'])), JSON.stringify(provider));
  for (const model of documents.models ?? []) ssm.put(modelParameter(String(model['id'])), JSON.stringify(model));
}

export interface LogEntry {
  readonly level: 'error' | 'warn' | 'info';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export function recordingLogger(): { logger: ConfigStoreLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (message: unknown, ...extra: unknown[]) => {
    entries.push({ level, message: String(message), attributes: Object.assign({}, ...(extra as object[])) as Record<string, unknown> });
  };
  return { logger: { error: record('error'), warn: record('warn'), info: record('info') }, entries };
}

/** A clock that moves only when told to. */
export class ManualClock {
  private ms = 1_700_000_000_000;

  readonly now = (): number => this.ms;

  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
