import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Resolves with the first line the process prints on stdout. */
async function firstLine(child: ChildProcess): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk);
    const newline = out.indexOf('\n');
    if (newline >= 0) return out.slice(0, newline);
  }
  throw new Error(`simulator exited without printing its URL: ${out}`);
}

describe('npm run simulator', () => {
  it('starts a simulator on the requested port and region and prints its URL', async () => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['dev/simulator.ts', '--port', '0', '--region', 'eu-west-1'], {
      cwd: ROOT,
      env: { ...process.env, MANTLE_SIM_BEARER_TOKENS: 'cli-key', MANTLE_SIM_PACING_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await firstLine(child);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer cli-key' } });
      expect(res.status).toBe(200);
      const denied = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sim-bedrock-api-key' } });
      expect(denied.status).toBe(403);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
