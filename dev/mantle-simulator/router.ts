/**
 * Mantle's URL space. Everything not listed here is a 404, including `GET .../responses/{id}/input_items`,
 * which OpenAI serves but Mantle does not.
 */
import type { OpenAIBasePath } from './types.js';

export type Route =
  | { kind: 'chat'; basePath: OpenAIBasePath }
  | { kind: 'responses.create'; basePath: OpenAIBasePath }
  | { kind: 'responses.get' | 'responses.delete' | 'responses.cancel'; basePath: OpenAIBasePath; id: string }
  | { kind: 'messages' }
  | { kind: 'messages.count_tokens' }
  | { kind: 'models' };

/** Routes whose POST body must be a JSON object. */
export function takesJsonBody(route: Route): boolean {
  return !['responses.get', 'responses.delete', 'responses.cancel', 'models'].includes(route.kind);
}

const BASE_PATHS: readonly OpenAIBasePath[] = ['/openai/v1', '/v1'];

export function matchRoute(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === '/anthropic/v1/messages') return { kind: 'messages' };
  if (method === 'POST' && path === '/anthropic/v1/messages/count_tokens') return { kind: 'messages.count_tokens' };
  if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
  const basePath = BASE_PATHS.find((base) => path.startsWith(`${base}/`));
  return basePath ? matchOpenAIRoute(method, basePath, path.slice(basePath.length)) : undefined;
}

function matchOpenAIRoute(method: string, basePath: OpenAIBasePath, rest: string): Route | undefined {
  if (rest === '/chat/completions') return method === 'POST' ? { kind: 'chat', basePath } : undefined;
  if (rest === '/responses') return method === 'POST' ? { kind: 'responses.create', basePath } : undefined;
  const match = /^\/responses\/([^/]+)(\/cancel)?$/.exec(rest);
  const rawId = match?.[1];
  if (!match || rawId === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return undefined; // malformed percent-encoding cannot name a stored response
  }
  if (match[2]) return method === 'POST' ? { kind: 'responses.cancel', basePath, id } : undefined;
  if (method === 'GET') return { kind: 'responses.get', basePath, id };
  if (method === 'DELETE') return { kind: 'responses.delete', basePath, id };
  return undefined;
}
