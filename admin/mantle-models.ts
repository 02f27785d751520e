/**
 * Mantle's own model list (`GET /v1/models`), asked the way the gateway asks Mantle: signed with SigV4 for
 * `bedrock-mantle` in the provider's region (or with the provider's Bedrock API key), at the provider's endpoint.
 * The list says which models this account may call in that region; it says nothing about their surface.
 */
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Provider } from '../lambda/config/types.js';
import { createUpstreamAuthorizer, type UpstreamAuthorizer } from '../lambda/upstream/authorize.js';
import { MantleSigner } from '../lambda/upstream/sigv4.js';
import type { UpstreamRequest } from '../lambda/upstream/upstream-request.js';
import { CliError } from './cli-errors.js';

/** An admin command waits this long for Mantle's list before giving up. */
const LIST_TIMEOUT_MS = 30_000;

/**
 * The authorizer the gateway itself uses, with the admin's default credential chain; SecureString keys are read
 * through the AWS SDK (Powertools parameters), like the CLI's other SSM calls.
 */
export function adminAuthorizer(): UpstreamAuthorizer {
  return createUpstreamAuthorizer(new MantleSigner(defaultProvider()), (name) => getParameter(name, { decrypt: true }));
}

/** A provider for `models --region R [--endpoint URL]`: the role's SigV4, Mantle's regional host by default. */
export function adhocProvider(region: string, endpoint: string | undefined): Provider {
  return { id: 'cli', type: 'aws_bedrock', endpoint_kind: 'bedrock_mantle', region, endpoint: endpoint ?? `https://bedrock-mantle.${region}.api.aws`, auth: { mode: 'default_chain' } };
}

/**
 * @returns the model ids Mantle lists for this account at the provider's endpoint and region
 * @throws CliError naming the endpoint, the status and Mantle's message, or the network error code
 */
export async function listMantleModels(provider: Provider, authorize: UpstreamAuthorizer): Promise<string[]> {
  const request: UpstreamRequest = { method: 'GET', url: new URL(`${provider.endpoint}/v1/models`), headers: { accept: 'application/json' }, body: undefined };
  await authorize(request, provider, 'openai');
  let response: Response;
  try {
    response = await fetch(request.url, { headers: request.headers, redirect: 'manual', signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
  } catch (error) {
    throw new CliError(`could not reach Mantle at ${provider.endpoint}${networkCode(error)}`);
  }
  const text = await response.text();
  if (response.status !== 200) {
    throw new CliError(`Mantle at ${provider.endpoint} (${provider.region}) answered ${response.status} to GET /v1/models${errorMessage(text)}`);
  }
  const ids = modelIds(text);
  if (!ids) throw new CliError(`Mantle at ${provider.endpoint} answered GET /v1/models with something that is not a model list`);
  return ids;
}

function modelIds(text: string): string[] | undefined {
  try {
    const parsed = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(parsed.data)) return undefined;
    return parsed.data.flatMap((entry: unknown) => (typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string' ? [(entry as { id: string }).id] : []));
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    return typeof message === 'string' ? `: ${message.split('\n')[0]}` : '';
  } catch {
    return '';
  }
}

function networkCode(error: unknown): string {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: { code?: unknown } }).cause : undefined;
  if (typeof cause?.code === 'string') return ` (${cause.code})`;
  return error instanceof Error && error.name === 'TimeoutError' ? ` (no answer within ${LIST_TIMEOUT_MS / 1000} s)` : '';
}
