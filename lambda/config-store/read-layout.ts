/**
 * The store's two SSM reads: the revision marker (one `GetParameter`), and the full read of every document under
 * the layout's sub-paths (`GetParametersByPath` per sub-path, all pages), each sub-path decrypted only if the
 * layout says it needs it. Nothing outside the layout is fetched.
 */
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { LAYOUT_PATHS, revisionParameterName, type LayoutPath } from './parameter-layout.js';
import { innermostErrorName } from './store-log.js';

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
export async function readRevisionMarker(ssm: SSMProvider, prefix: string): Promise<string | undefined> {
  try {
    // forceFetch: the store is the cache (its own clock); Powertools' would answer from its copy on the wall clock.
    const value = await ssm.get(revisionParameterName(prefix), { forceFetch: true, decrypt: false });
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (innermostErrorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** Every document under the layout's sub-paths, read in parallel, each sub-path paged to the end. */
export async function readLayout(ssm: SSMProvider, prefix: string, paths: readonly LayoutPath[] = LAYOUT_PATHS): Promise<LayoutRead> {
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

async function readSubPath(ssm: SSMProvider, prefix: string, path: LayoutPath): Promise<Map<string, string>> {
  const values = await ssm.getMultiple(`${prefix}/${path.kind}`, { recursive: false, decrypt: path.decrypt, forceFetch: true });
  const byId = new Map<string, string>();
  for (const [id, value] of Object.entries(values ?? {})) {
    if (typeof value === 'string') byId.set(id, value);
  }
  return byId;
}
