import type { Provider, Route } from '../config/types.js';

/** A route joined with its provider and with everything the request path needs precomputed. */
export interface ResolvedRoute {
  readonly modelId: string;
  readonly route: Route;
  readonly provider: Provider;
  /** `https://bedrock-mantle.us-east-2.api.aws/openai/v1` or `.../anthropic/v1`. */
  readonly baseUrl: string;
  /** The route's extra headers with lower-case names, ready to copy. */
  readonly extraHeaders: ReadonlyArray<readonly [string, string]>;
}
