/**
 * Builds the whole app from its CDK context: the deploy settings, the route configuration (validated by the
 * Lambda's own validator), one {@link GatewayStack} per region, and cdk-nag's AwsSolutions checks over all of it.
 * `bin/` only calls this; tests call it with their own context.
 */
import { resolve } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigValidationError } from '../lambda/config/validate.js';
import { DeploySettingsError, readDeploySettings, type DeploySettings } from './deploy-settings.js';
import { GatewayStack, gatewayStackId, gatewayStackName } from './gateway-stack.js';
import { loadRouteConfig } from './route-config.js';

export interface GatewayAppOptions {
  /** Directory that a relative `configFile` is resolved against. @default the working directory */
  readonly baseDir?: string;
  /** Account for every stack. @default CDK_DEFAULT_ACCOUNT when set, else environment-agnostic (no credentials needed) */
  readonly account?: string;
  /** The handler module. @default lambda/handler.ts */
  readonly entry?: string;
}

export interface GatewayApp {
  readonly settings: DeploySettings;
  readonly stacks: readonly GatewayStack[];
}

/**
 * Adds the gateway stacks to `app`.
 *
 * @throws DeploySettingsError for bad context, ConfigValidationError for a bad route configuration.
 * @example
 * const app = new App();
 * await buildGatewayApp(app);
 * app.synth();
 */
export async function buildGatewayApp(app: App, options: GatewayAppOptions = {}): Promise<GatewayApp> {
  const settings = readDeploySettings(app.node.getAllContext());
  const configPath = options.baseDir ? resolve(options.baseDir, settings.configFile) : settings.configFile;
  const routes = await loadRouteConfig(configPath);
  const account = options.account ?? process.env['CDK_DEFAULT_ACCOUNT'];

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stacks = settings.regions.map(
    (region) =>
      new GatewayStack(app, gatewayStackId(region), {
        env: { region, ...(account ? { account } : {}) },
        stackName: gatewayStackName(settings.stage, region),
        description: `mantle-gateway (${settings.stage}) in ${region}: streaming function URL in front of Amazon Bedrock Mantle`,
        settings,
        routes,
        ...(options.entry ? { entry: options.entry } : {}),
      }),
  );
  return { settings, stacks };
}

/** The message to print for a failure the user can fix (bad settings or config), else undefined. */
export function describeUserError(error: unknown): string | undefined {
  if (error instanceof DeploySettingsError || error instanceof ConfigValidationError) return error.message;
  // Not `instanceof Error`: errors from node:fs may come from another realm (a test's VM context).
  const fsError = error as { code?: unknown; path?: unknown; message?: unknown } | null;
  if (typeof fsError === 'object' && fsError?.code === 'ENOENT') {
    return `route configuration file not found: ${String(fsError.path ?? fsError.message)} (set -c configFile=...)`;
  }
  return undefined;
}
