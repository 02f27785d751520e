import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The request path is layered: `domain/` (errors, surfaces, resolved routes, invocation, caller) at the bottom,
 * `upstream/` and `auth/` on it, `core/` on top. These tests read the import statements of `lambda/` and hold the layering,
 * so a convenient import back up does not creep in unnoticed.
 */
const LAMBDA = join(process.cwd(), 'lambda');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Relative imports of a file, as paths under `lambda/` without extension (`core/errors`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((match) => match[1]!);
  return targets.map((target) => relative(LAMBDA, normalize(join(dirname(file), target))).replace(/\.js$/, ''));
}

const files = sourceFiles(LAMBDA).map((file) => ({ name: relative(LAMBDA, file).replace(/\.ts$/, ''), imports: importsOf(file) }));

describe('layering of lambda/', () => {
  it('reads the sources it is meant to check', () => {
    expect(files.some((file) => file.name.startsWith('core/'))).toBe(true);
    expect(files.some((file) => file.name.startsWith('upstream/'))).toBe(true);
  });

  it.each([
    ['domain', ['core/', 'upstream/', 'auth/', 'adapters/', 'config-store/']],
    // Byte-preserving JSON edits: plain text in, text out.
    ['json', ['core/', 'upstream/', 'adapters/', 'config-store/', 'compat/', 'config/', 'domain/']],
    ['upstream', ['core/', 'adapters/', 'config-store/']],
    ['core', ['adapters/', 'config-store/']],
    // Translations are pure: they see bodies and streams, never how requests are sent or routes resolved.
    ['compat', ['core/', 'upstream/', 'adapters/', 'config-store/']],
    // The authenticate stage sits beside upstream/: core calls it, it knows nothing of the request path above it.
    ['auth', ['core/', 'upstream/', 'adapters/', 'config-store/']],
  ])('%s/ imports none of %j', (folder, forbidden) => {
    const offending = files
      .filter((file) => file.name.startsWith(`${folder}/`))
      .flatMap((file) => file.imports.filter((target) => forbidden.some((prefix) => target.startsWith(prefix))).map((target) => `${file.name} -> ${target}`));
    expect(offending).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map(files.map((file) => [file.name, file.imports]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(name)), name].join(' -> '));
        return;
      }
      state.set(name, 'visiting');
      for (const next of graph.get(name) ?? []) if (graph.has(next)) visit(next, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of graph.keys()) visit(name, []);
    expect(cycles).toEqual([]);
  });
});
