/**
 * Builds the gateway app the way `npx cdk synth` does (cdk.json's context: settings and feature flags), with a
 * dummy account and bundling skipped, so assertions run offline and fast.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildGatewayApp, type GatewayApp } from '../../lib/gateway-app.js';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLE_CONFIG = join(PROJECT_DIR, 'config/gateway.yaml');
export const DUMMY_ACCOUNT = '111122223333';

/** cdk.json's context: the shipped settings plus the feature flags the CLI applies. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(PROJECT_DIR, 'cdk.json'), 'utf8')).context;

export interface TestGateway extends GatewayApp {
  readonly app: App;
  /** The template of one region's stack (the first region when not named). */
  template(region?: string): Template;
}

/**
 * The app with cdk.json's context overridden by `context` (as `-c` would), bundling skipped.
 * The route config defaults to the example file.
 */
export async function buildTestGateway(context: Record<string, unknown> = {}, options: { bundle?: boolean; outdir?: string } = {}): Promise<TestGateway> {
  const app = new App({
    context: {
      ...CDK_JSON_CONTEXT,
      configFile: EXAMPLE_CONFIG,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const built = await buildGatewayApp(app, { account: DUMMY_ACCOUNT, baseDir: PROJECT_DIR });
  return {
    ...built,
    app,
    template(region) {
      const stack = region === undefined ? built.stacks[0] : built.stacks.find((candidate) => candidate.region === region);
      if (!stack) throw new Error(`no stack for region ${region}`);
      return Template.fromStack(stack);
    },
  };
}

/** Writes a route config to a temporary file and returns its path. */
export function writeConfig(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mantle-gateway-config-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** `arn:aws:<service>:<region>:<dummy account>:<resource>`, as the templates render it. */
export function arn(service: string, region: string, resource: string, account = DUMMY_ACCOUNT): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

/** The one inline policy of the gateway role, statements by Sid. */
export function gatewayStatements(template: Template): Record<string, Record<string, unknown>> {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'mantle-gateway function: Mantle inference, route config reads, own logs' } });
  const role = Object.values(roles)[0] as { Properties: { Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[] } };
  const statements = role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
  return Object.fromEntries(statements.map((statement) => [statement['Sid'] as string, statement]));
}

/** A minimal valid route config: one provider per region given, one chat model routed to each. */
export function configFor(regions: readonly string[], extraProvider = ''): string {
  const providers = regions.map((region) => `  - id: mantle-${region}\n    type: aws_bedrock\n    region: ${region}\n`).join('');
  const routes = regions
    .map(
      (region) =>
        `      - provider: mantle-${region}\n        upstream_model: openai.gpt-oss-120b\n` +
        `        compatibility:\n          aws_bedrock:\n            api_style: mantle_openai_chat\n            openai_base_path: /v1\n`,
    )
    .join('');
  return `providers:\n${providers}${extraProvider}models:\n  - id: gpt-oss\n    routes:\n${routes}`;
}
