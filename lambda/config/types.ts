/**
 * The route configuration, in the `providers` / `models` shape admins already use for Mantle routes.
 *
 * These are the *validated* types: `validateGatewayConfig` (validate.ts) turns untrusted YAML or JSON into them,
 * filling documented defaults, so the request path never re-checks a field. Tools that write a config back
 * (the admin CLI) keep the documents as written, not these normalized values.
 */

/** The three Mantle surfaces. Declared per route, never inferred from a model id (Mantle's own model list lies). */
export type ApiStyle = 'mantle_openai_chat' | 'mantle_openai_responses' | 'mantle_anthropic_messages';

export const API_STYLES: readonly ApiStyle[] = [
  'mantle_openai_chat',
  'mantle_openai_responses',
  'mantle_anthropic_messages',
];

/** The two OpenAI-compatible prefixes Mantle serves; a model works on one of them only. */
export type OpenAiBasePath = '/v1' | '/openai/v1';

export const OPENAI_BASE_PATHS: readonly OpenAiBasePath[] = ['/v1', '/openai/v1'];

/**
 * How the gateway authenticates to Mantle.
 * - `default_chain`: SigV4 (service `bedrock-mantle`) with the AWS default credential chain; in Lambda, the
 *   function's own role. What deployments use.
 * - `bearer`: a Bedrock API key, read from `env.NAME` or from a SecureString `ssm:/path`.
 */
export type ProviderAuth =
  | { readonly mode: 'default_chain' }
  | { readonly mode: 'bearer'; readonly token: BearerTokenRef };

export type BearerTokenRef =
  | { readonly source: 'env'; readonly name: string }
  | { readonly source: 'ssm'; readonly name: string };

export interface ProviderDisplay {
  readonly label?: string;
  readonly icon_key?: string;
}

export interface Provider {
  readonly id: string;
  readonly type: 'aws_bedrock';
  readonly endpoint_kind: 'bedrock_mantle';
  readonly region: string;
  /**
   * Base URL of Mantle for this provider, without a trailing slash.
   * @default `https://bedrock-mantle.{region}.api.aws`; set `endpoint:` for VPC interface endpoints or the simulator.
   */
  readonly endpoint: string;
  readonly auth: ProviderAuth;
  readonly display?: ProviderDisplay;
}

/**
 * What a route accepts. Endpoint capabilities that the config leaves out follow the api_style; feature
 * capabilities left out default to `true` (not declared means not restricted: Mantle has the last word).
 */
export interface Capabilities {
  readonly chat_completions: boolean;
  readonly responses: boolean;
  readonly messages: boolean;
  readonly count_tokens: boolean;
  readonly embeddings: boolean;
  readonly stream: boolean;
  readonly tools: boolean;
  readonly vision: boolean;
  readonly json_schema: boolean;
}

export type CapabilityName = keyof Capabilities;

export const CAPABILITY_NAMES: readonly CapabilityName[] = [
  'chat_completions',
  'responses',
  'messages',
  'count_tokens',
  'embeddings',
  'stream',
  'tools',
  'vision',
  'json_schema',
];

/**
 * Per-route tuning of the attempt and watch stages; each absent field falls back to the deploy setting.
 */
export interface RouteResilience {
  /** Routes are tried by ascending priority, config order among equals. @default 0 */
  readonly priority?: number;
  /** Among routes of equal priority, a route with weight 3 is tried first three times as often as one with 1. @default 1 when any route of its priority has a weight, else config order */
  readonly weight?: number;
  /** Tries of this route before the next route takes over. @default GATEWAY_RETRY_ATTEMPTS_PER_ROUTE (3) */
  readonly max_attempts?: number;
  /** Seconds without a byte from Mantle after which a started stream is given up. @default GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS (60) */
  readonly stream_idle_timeout_seconds?: number;
}

export interface Route extends RouteResilience {
  readonly provider: string;
  readonly upstream_model: string;
  readonly api_style: ApiStyle;
  /** Only for OpenAI-shaped styles; Messages always uses `/anthropic/v1`. */
  readonly openai_base_path?: OpenAiBasePath;
  readonly capabilities: Capabilities;
  /** Headers the gateway adds upstream (`OpenAI-Project`, `anthropic-workspace`), never from the caller. */
  readonly extra_headers: Readonly<Record<string, string>>;
  /** `anthropic-beta` flags callers may pass through on this route; others are dropped. @default [] */
  readonly anthropic_betas: readonly string[];
  /**
   * Inbound APIs this route also serves by translation (`compatibility.aws_bedrock.bridge`); only on
   * `mantle_openai_responses` routes, where `chat_completions` makes Chat Completions calls Responses calls.
   * Absent: no bridge.
   */
  readonly bridge?: readonly BridgedEndpoint[];
  /**
   * `adaptive_only` (Messages routes): the model takes only `thinking: {type: "adaptive"}` with
   * `output_config.effort`, so `enabled` + `budget_tokens` and `disabled` are rewritten. Absent: bodies pass as sent.
   */
  readonly thinking?: ThinkingCompatibility;
}

/** The inbound endpoints a route can serve through translation. */
export type BridgedEndpoint = 'chat_completions';
export const BRIDGED_ENDPOINTS: readonly BridgedEndpoint[] = ['chat_completions'];

/** How a Messages route's model takes extended thinking. */
export type ThinkingCompatibility = 'adaptive_only';
export const THINKING_COMPATIBILITIES: readonly ThinkingCompatibility[] = ['adaptive_only'];

export interface Model {
  readonly id: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly routes: readonly Route[];
}

export interface GatewayConfig {
  readonly providers: readonly Provider[];
  readonly models: readonly Model[];
}
