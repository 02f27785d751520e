/**
 * The store's two SSM reads: the revision marker (one `GetParameter`), and the full read of every document under
 * the layout's sub-paths (`GetParametersByPath` per sub-path, all pages), each sub-path decrypted only if the
 * layout says it needs it. Nothing outside the layout is fetched.
 */
import type { SsmReader } from '../aws/ssm-client.js';
import { LAYOUT_PATHS, revisionParameterName, type LayoutPath } from './parameter-layout.js';

export interface LayoutRead {
  /** Documents of the `route-table` kinds, by full parameter name (what `mergeLastKnownGood` takes). */
  readonly routeParameters: ReadonlyMap<string, string>;
  /** Documents of the other kinds, raw: kind, then id, then value. Every such kind has an entry, maybe empty. */
  readonly documents: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The marker's value, or undefined when the parameter does not exist (a prefix written before markers existed,
 * or one an admin deleted): the store then reads everything on every check.
 */
export function readRevisionMarker(ssm: SsmReader, prefix: string): Promise<string | undefined> {
  return ssm.getParameter(revisionParameterName(prefix), { decrypt: false });
}

/** Every document under the layout's sub-paths, read in parallel, each sub-path paged to the end. */
export async function readLayout(ssm: SsmReader, prefix: string, paths: readonly LayoutPath[] = LAYOUT_PATHS): Promise<LayoutRead> {
  const read = await Promise.all(paths.map(async (path) => [path, await readSubPath(ssm, prefix, path)] as const));
  const routeParameters = new Map<string, string>();
  const documents = new Map<string, ReadonlyMap<string, string>>();
  for (const [path, values] of read) {
    if (path.policy === 'route-table') {
      for (const [id, value] of values) routeParameters.set(`${prefix}/${path.kind}/${id}`, value);
    } else {
      documents.set(path.kind, values);
    }
  }
  return { routeParameters, documents };
}

/** One level deep: the ids of the kind's documents, each with its value. */
function readSubPath(ssm: SsmReader, prefix: string, path: LayoutPath): Promise<Map<string, string>> {
  return ssm.getParametersByPath(`${prefix}/${path.kind}`, { recursive: false, decrypt: path.decrypt });
}
