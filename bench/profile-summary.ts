/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`) by self time: the functions where the samples land, for the
 * README's "where the time goes" and for deciding what to optimize.
 *
 * @example
 * npx tsx bench/profile-summary.ts CPU.20260101.cpuprofile 25
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Self time per function (frames with the same name and location summed), largest first; idle left out of the total.
 * @param bundleDir where to look for a bundle the frames point into (by file name), to name each frame's source module
 */
export function selfTimes(profile: CpuProfile, bundleDir?: string): SelfTimeEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const modules = new BundleModules(bundleDir);
  const totals = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const frame = describeFrame(node, modules);
    totals.set(frame, (totals.get(frame) ?? 0) + delta);
    if (frame !== '(idle)') busyUs += delta;
  });
  return [...totals]
    .filter(([frame]) => frame !== '(idle)')
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

function describeFrame(node: ProfileNode, modules: BundleModules): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const module = modules.sourceOf(url, lineNumber);
  return module ? `${name} (${shorten(module)})` : `${name} (${shorten(url)}:${lineNumber + 1})`;
}

/** node_modules paths to `package/file`, project paths from their top folder. */
function shorten(path: string): string {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (packageMatch) return `${packageMatch[1]}/${packageMatch[2]?.split('/').pop()}`;
  return path.replace(/^.*?\/(lambda|dev|bench)\//, '$1/').replace(/^(\.\.\/)+/, '');
}

/**
 * The same self time summed by area: the gateway's own modules by folder, packages by name, Node internals by
 * module (undici, web streams, streams, http, crypto), and native work (GC, syscalls such as writev) as itself.
 */
export function selfTimeByArea(entries: readonly SelfTimeEntry[]): SelfTimeEntry[] {
  const totals = new Map<string, { selfMs: number; percent: number }>();
  for (const entry of entries) {
    const area = areaOf(entry.frame);
    const total = totals.get(area) ?? { selfMs: 0, percent: 0 };
    totals.set(area, { selfMs: total.selfMs + entry.selfMs, percent: total.percent + entry.percent });
  }
  return [...totals].map(([frame, total]) => ({ frame, ...total })).sort((a, b) => b.selfMs - a.selfMs);
}

function areaOf(frame: string): string {
  const where = /\(([^()]*)\)$/.exec(frame)?.[1];
  if (!where) return `native: ${frame}`;
  if (where.startsWith('node:internal/deps/undici')) return 'node: undici (fetch, Request, Response)';
  if (where.startsWith('node:internal/webstreams')) return 'node: web streams';
  const internal = /^node:(?:internal\/)?([a-z_]+)/.exec(where);
  if (internal) return `node: ${internal[1]}`;
  const project = /^(lambda\/[^/]+|dev|bench)\//.exec(where);
  if (project) return project[1]!;
  return where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/');
}

/** esbuild writes `// path/of/module.ts` above each module it inlines (unminified); that names a bundle line's source. */
class BundleModules {
  private readonly starts = new Map<string, { line: number; module: string }[] | undefined>();

  constructor(private readonly dir: string | undefined) {}

  sourceOf(url: string, line: number): string | undefined {
    if (!url.startsWith('file://')) return undefined;
    const starts = this.load(url);
    if (!starts) return undefined;
    let found: string | undefined;
    for (const start of starts) {
      if (start.line > line) break;
      found = start.module;
    }
    return found;
  }

  private load(url: string): { line: number; module: string }[] | undefined {
    if (this.starts.has(url)) return this.starts.get(url);
    const path = fileURLToPath(url);
    const local = this.dir ? join(this.dir, basename(path)) : undefined;
    const file = existsSync(path) ? path : local && existsSync(local) ? local : undefined;
    const starts = file
      ? readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((text, line) => {
            const match = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
            return match ? [{ line, module: match[1]! }] : [];
          })
      : undefined;
    this.starts.set(url, starts && starts.length > 0 ? starts : undefined);
    return this.starts.get(url);
  }
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
