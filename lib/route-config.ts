/**
 * The route configuration as the CDK app needs it: the file's documents as written (what goes to SSM), the
 * validated config (what IAM is derived from), and the few facts the stack reads off it.
 *
 * Validation is the Lambda's own `validateGatewayConfig`, so a config that would fail in the function fails
 * `cdk synth` first, with the same message.
 */
import { readConfigDocument } from '../lambda/config/load-config-file.js';
import { ConfigValidationError, validateGatewayConfig } from '../lambda/config/validate.js';
import type { GatewayConfig } from '../lambda/config/types.js';
import type { ConfigDocument } from '../lambda/config-store/parameter-layout.js';

export interface RouteConfigSource {
  /** The file it was read from, as given. */
  readonly path: string;
  /** The documents exactly as written; each becomes one SSM parameter. */
  readonly document: ConfigDocument;
  /** The validated, normalized config. */
  readonly config: GatewayConfig;
}

/**
 * Reads, validates and checks a route configuration file for deployment.
 *
 * @throws ConfigValidationError with the validator's message, or naming what cannot work in a deployed function.
 * @example
 * const routes = await loadRouteConfig('config/gateway.yaml');
 */
export async function loadRouteConfig(path: string): Promise<RouteConfigSource> {
  const document = await readConfigDocument(path);
  const config = validateGatewayConfig(document);
  assertDeployable(config);
  return { path, document: document as ConfigDocument, config };
}

/**
 * Rules that hold for the deployed function only: it has no environment variables for Bedrock API keys (and
 * must never have `AWS_BEARER_TOKEN_BEDROCK`), so `env.NAME` token references could only fail at request time.
 */
export function assertDeployable(config: GatewayConfig): void {
  const issues = config.providers.flatMap((provider) =>
    provider.auth.mode === 'bearer' && provider.auth.token.source === 'env'
      ? [
          `provider ${JSON.stringify(provider.id)}: auth.token env.${provider.auth.token.name} cannot be resolved in the deployed function ` +
            '(it has no such environment variable); use a SecureString reference ssm:/parameter/path or auth.mode default_chain',
        ]
      : [],
  );
  if (issues.length > 0) throw new ConfigValidationError(issues);
}

/** The regions whose Mantle endpoints the routes target, sorted: the role may call Mantle there and nowhere else. */
export function mantleRegions(config: GatewayConfig): string[] {
  return [...new Set(config.providers.map((provider) => provider.region))].sort();
}

/** The SecureString parameters named by `ssm:/path` bearer token references, sorted. */
export function bearerTokenParameters(config: GatewayConfig): string[] {
  const names = config.providers.flatMap((provider) =>
    provider.auth.mode === 'bearer' && provider.auth.token.source === 'ssm' ? [provider.auth.token.name] : [],
  );
  return [...new Set(names)].sort();
}
