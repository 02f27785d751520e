/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`) by self time: the functions where the samples land, for the
 * README's "where the time goes" and for deciding what to optimize.
 *
 * @example
 * npx tsx bench/profile-summary.ts CPU.20260101.cpuprofile 25
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface SelfTimeEntry {
  /** `functionName (file:line)`, with node_modules paths shortened to the package. */
  readonly frame: string;
  readonly selfMs: number;
  /** Share of all non-idle samples. */
  readonly percent: number;
}

/** Self time per function (frames with the same name and location summed), largest first; idle and GC excluded from the total. */
export function selfTimes(profile: CpuProfile): SelfTimeEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const frame = describeFrame(node);
    totals.set(frame, (totals.get(frame) ?? 0) + delta);
    if (frame !== '(idle)') busyUs += delta;
  });
  return [...totals]
    .filter(([frame]) => frame !== '(idle)')
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

function describeFrame(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const where = packageMatch ? `${packageMatch[1]}/${packageMatch[2]?.split('/').pop()}` : url.replace(/^.*?\/(lambda|dev|bench|node:)/, '$1');
  return `${functionName || '(anonymous)'} (${where}:${lineNumber + 1})`;
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, limit = '20'] = process.argv.slice(2);
  if (!path) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top-n]');
  for (const entry of selfTimes(readProfile(path)).slice(0, Number(limit))) {
    process.stdout.write(`${entry.percent.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(1).padStart(8)} ms  ${entry.frame}\n`);
  }
}
