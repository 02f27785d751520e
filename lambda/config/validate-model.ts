import {
  IssueList,
  isDoc,
  readObject,
  readOneOf,
  readString,
  readStringList,
  type Doc,
} from './document-reader.js';
import { validateExtraHeaders } from './validate-extra-headers.js';
import { RESILIENCE_KEYS, readRouteResilience } from './validate-route-resilience.js';
import { ID_PATTERN, type Validated } from './validate-provider.js';
import {
  API_STYLES,
  BRIDGED_ENDPOINTS,
  CAPABILITY_NAMES,
  THINKING_COMPATIBILITIES,
  OPENAI_BASE_PATHS,
  type ApiStyle,
  type BridgedEndpoint,
  type Capabilities,
  type CapabilityName,
  type Model,
  type OpenAiBasePath,
  type Route,
  type ThinkingCompatibility,
} from './types.js';

const MODEL_KEYS = ['id', 'description', 'tags', 'routes'] as const;
const ROUTE_KEYS = ['provider', 'upstream_model', 'capabilities', 'extra_headers', 'compatibility', ...RESILIENCE_KEYS] as const;
const COMPATIBILITY_KEYS = ['aws_bedrock'] as const;
const BEDROCK_KEYS = ['api_style', 'openai_base_path', 'anthropic_betas', 'bridge', 'thinking'] as const;

/** Mantle ids are bare (`openai.gpt-5.5`); inference-profile prefixes and runtime version suffixes fail there. */
const UPSTREAM_MODEL_PATTERN = /^[a-z0-9][a-z0-9.\-_:]*$/i;
const PROFILE_PREFIX = /^(us|eu|apac|global|us-gov|jp|au)\./;
const RUNTIME_SUFFIX = /-v\d+:\d+$/;

/** The endpoint capability each api_style serves; the others must not be claimed. */
const STYLE_ENDPOINTS: Record<ApiStyle, readonly CapabilityName[]> = {
  mantle_openai_chat: ['chat_completions'],
  mantle_openai_responses: ['responses'],
  mantle_anthropic_messages: ['messages', 'count_tokens'],
};
const ENDPOINT_CAPABILITIES: readonly CapabilityName[] = [
  'chat_completions',
  'responses',
  'messages',
  'count_tokens',
  'embeddings',
];

/**
 * Validates one model document against the known providers. Messages name the model, the route index and the
 * field, so the same text serves `cdk synth`, the admin CLI and the Lambda's logs.
 */
export function validateModel(raw: unknown, providerIds: ReadonlySet<string>, fallbackLabel = 'model'): Validated<Model> {
  const issues = new IssueList();
  const rawId = isDoc(raw) && typeof raw['id'] === 'string' ? raw['id'] : undefined;
  const where = rawId === undefined ? fallbackLabel : `model ${JSON.stringify(rawId)}`;
  const doc = readObject(raw, where, '', MODEL_KEYS, issues);
  if (!doc) return { ok: false, issues: issues.messages };

  const id = readString(doc, 'id', where, issues, { required: true, pattern: ID_PATTERN, hint: 'use letters, digits, ".", "_" or "-"' });
  const description = readString(doc, 'description', where, issues, { required: false });
  const tags = readStringList(doc, 'tags', where, issues);
  const routes = readRoutes(doc['routes'], where, providerIds, issues);

  if (!issues.empty || id === undefined || routes === undefined) return { ok: false, issues: issues.messages };
  return {
    ok: true,
    value: { id, routes, ...(description !== undefined ? { description } : {}), ...(tags ? { tags } : {}) },
  };
}

function readRoutes(value: unknown, where: string, providerIds: ReadonlySet<string>, issues: IssueList): Route[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(where, 'routes must be a non-empty list');
    return undefined;
  }
  const routes: Route[] = [];
  value.forEach((item, index) => {
    const route = readRoute(item, `${where} route ${index}`, providerIds, issues);
    if (route) routes.push(route);
  });
  return routes.length === value.length ? routes : undefined;
}

function readRoute(value: unknown, where: string, providerIds: ReadonlySet<string>, issues: IssueList): Route | undefined {
  const doc = readObject(value, where, '', ROUTE_KEYS, issues);
  if (!doc) return undefined;
  const before = issues.messages.length;

  const provider = readString(doc, 'provider', where, issues, { required: true });
  if (provider !== undefined && !providerIds.has(provider)) {
    issues.add(where, `provider ${JSON.stringify(provider)} is not defined`);
  }
  const upstreamModel = readUpstreamModel(doc, where, issues);
  const bedrock = readBedrockCompatibility(doc['compatibility'], where, issues);
  const capabilities = bedrock ? readCapabilities(doc['capabilities'], bedrock, where, issues) : undefined;
  const extraHeaders = bedrock ? validateExtraHeaders(doc['extra_headers'], bedrock.apiStyle, where, issues) : undefined;
  const resilience = readRouteResilience(doc, where, issues);

  if (issues.messages.length !== before || !provider || !upstreamModel || !bedrock || !capabilities || !extraHeaders) {
    return undefined;
  }
  return {
    provider,
    upstream_model: upstreamModel,
    api_style: bedrock.apiStyle,
    ...(bedrock.basePath ? { openai_base_path: bedrock.basePath } : {}),
    capabilities,
    extra_headers: extraHeaders,
    anthropic_betas: bedrock.betas,
    ...(bedrock.bridge ? { bridge: bedrock.bridge } : {}),
    ...(bedrock.thinking ? { thinking: bedrock.thinking } : {}),
    ...resilience,
  };
}

function readUpstreamModel(doc: Doc, where: string, issues: IssueList): string | undefined {
  const id = readString(doc, 'upstream_model', where, issues, {
    required: true,
    pattern: UPSTREAM_MODEL_PATTERN,
    hint: 'a Mantle model id such as openai.gpt-5.5',
  });
  if (id === undefined) return undefined;
  if (PROFILE_PREFIX.test(id) || RUNTIME_SUFFIX.test(id)) {
    issues.add(where, `upstream_model ${JSON.stringify(id)} looks like a bedrock-runtime id; Mantle ids are bare (e.g. anthropic.claude-opus-4-7)`);
    return undefined;
  }
  return id;
}

interface BedrockCompatibility {
  apiStyle: ApiStyle;
  basePath: OpenAiBasePath | undefined;
  betas: string[];
  bridge: BridgedEndpoint[] | undefined;
  thinking: ThinkingCompatibility | undefined;
}

function readBedrockCompatibility(value: unknown, where: string, issues: IssueList): BedrockCompatibility | undefined {
  if (value === undefined) {
    issues.add(where, 'compatibility.aws_bedrock.api_style is required (the Mantle surface is declared, never guessed)');
    return undefined;
  }
  const compatibility = readObject(value, where, 'compatibility', COMPATIBILITY_KEYS, issues);
  if (!compatibility) return undefined;
  const bedrock = readObject(compatibility['aws_bedrock'], where, 'compatibility.aws_bedrock', BEDROCK_KEYS, issues);
  if (!bedrock) return undefined;
  const field = 'compatibility.aws_bedrock';
  const apiStyle = readOneOf(bedrock, 'api_style', where, issues, API_STYLES, { required: true, field: `${field}.api_style` });
  if (!apiStyle) return undefined;
  const isOpenAi = apiStyle !== 'mantle_anthropic_messages';
  const basePath = readOneOf(bedrock, 'openai_base_path', where, issues, OPENAI_BASE_PATHS, {
    required: isOpenAi,
    field: `${field}.openai_base_path`,
  });
  if (!isOpenAi && basePath !== undefined) {
    issues.add(where, `${field}.openai_base_path does not apply to api_style ${apiStyle} (Messages is served on /anthropic/v1)`);
  }
  const betas = readStringList(bedrock, 'anthropic_betas', where, issues, `${field}.anthropic_betas`) ?? [];
  if (isOpenAi && betas.length > 0) {
    issues.add(where, `${field}.anthropic_betas only applies to api_style mantle_anthropic_messages`);
  }
  const bridge = readBridge(bedrock, apiStyle, where, issues);
  const thinking = readOneOf(bedrock, 'thinking', where, issues, THINKING_COMPATIBILITIES, { required: false, field: `${field}.thinking` });
  if (thinking !== undefined && apiStyle !== 'mantle_anthropic_messages') {
    issues.add(where, `${field}.thinking only applies to api_style mantle_anthropic_messages (it rewrites Messages thinking)`);
  }
  return { apiStyle, basePath: isOpenAi ? basePath : undefined, betas, bridge, thinking };
}

/** `bridge: [chat_completions]`: Chat Completions served through the Responses API, so Responses routes only. */
function readBridge(bedrock: Doc, apiStyle: ApiStyle, where: string, issues: IssueList): BridgedEndpoint[] | undefined {
  const field = 'compatibility.aws_bedrock.bridge';
  const listed = readStringList(bedrock, 'bridge', where, issues, field);
  if (listed === undefined) return undefined;
  const unknown = listed.filter((name) => !(BRIDGED_ENDPOINTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    issues.add(where, `${field} may list only ${BRIDGED_ENDPOINTS.join(', ')}, got ${unknown.map((name) => JSON.stringify(name)).join(', ')}`);
    return undefined;
  }
  if (apiStyle !== 'mantle_openai_responses') {
    issues.add(where, `${field} only applies to api_style mantle_openai_responses (it translates Chat Completions to Responses)`);
    return undefined;
  }
  return listed.length > 0 ? [...new Set(listed as BridgedEndpoint[])] : undefined;
}

function readCapabilities(value: unknown, bedrock: BedrockCompatibility, where: string, issues: IssueList): Capabilities | undefined {
  const declared = value === undefined ? {} : readObject(value, where, 'capabilities', CAPABILITY_NAMES, issues);
  if (!declared) return undefined;
  const { apiStyle } = bedrock;
  const native = STYLE_ENDPOINTS[apiStyle];
  // A bridged endpoint is served too, by translation: the bridge implies it, and `false` would contradict it.
  const bridged = bedrock.bridge ?? [];
  const served = [...native, ...bridged];
  const capabilities = {} as Record<CapabilityName, boolean>;
  for (const name of CAPABILITY_NAMES) {
    const given = declared[name];
    if (given !== undefined && typeof given !== 'boolean') {
      issues.add(where, `capabilities.${name} must be true or false`);
      continue;
    }
    const isEndpoint = ENDPOINT_CAPABILITIES.includes(name);
    const fits = served.includes(name);
    if (isEndpoint && given === true && !fits) {
      issues.add(where, `capabilities.${name}: true contradicts api_style ${apiStyle}, which serves only ${native.join(' and ')}`);
    }
    if (name === native[0] && given === false) {
      issues.add(where, `capabilities.${name}: false contradicts api_style ${apiStyle}; the route would serve nothing`);
    }
    if ((bridged as readonly string[]).includes(name) && given === false) {
      issues.add(where, `capabilities.${name}: false contradicts compatibility.aws_bedrock.bridge, which serves ${name} through translation`);
    }
    capabilities[name] = given ?? (isEndpoint ? fits : true);
  }
  return capabilities;
}
