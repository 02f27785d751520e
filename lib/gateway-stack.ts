/**
 * One region's gateway, complete on its own: the route configuration in that region's SSM, the function and its
 * streaming URL, its role and log group. Regions share nothing, so one can be deployed or removed alone.
 */
import { resilienceEnvironment } from './resilience-environment.js';
import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { keyRegion, topicRegion, type DeploySettings } from './deploy-settings.js';
import { GatewayObservability, type AlarmTopicSetting } from './gateway-observability.js';
import { GatewayFunction } from './gateway-function.js';
import { acknowledgeAlarmTopic, acknowledgeGatewayFindings, acknowledgeRuntimePin, acknowledgeSeederFindings } from './nag-acknowledgements.js';
import { bearerTokenParameters, mantleRegions, type RouteConfigSource } from './route-config.js';
import { RevisionMarkerUpdater } from './revision-marker-updater.js';
import { RouteConfigParameters } from './route-config-parameters.js';

export interface GatewayStackProps extends StackProps {
  /** The validated deploy settings (regions are ignored here: the stack's own region is `env.region`). */
  readonly settings: DeploySettings;
  /** The validated route configuration. */
  readonly routes: RouteConfigSource;
  /** The handler module. @default lambda/handler.ts */
  readonly entry?: string;
}

/** `MantleGateway-<region>`: the construct id, so `cdk deploy MantleGateway-us-east-2` selects one region. */
export function gatewayStackId(region: string): string {
  return `MantleGateway-${region}`;
}

/** The CloudFormation stack name: the stage keeps two deployments in one account and region apart. */
export function gatewayStackName(stage: string, region: string): string {
  return `MantleGateway-${stage}-${region}`;
}

export class GatewayStack extends Stack {
  readonly gateway: GatewayFunction;
  readonly observability: GatewayObservability;
  readonly routeConfig: RouteConfigParameters;
  readonly revisionMarkerUpdater: RevisionMarkerUpdater;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { settings, routes } = props;
    Tags.of(this).add('mantle-gateway:stage', settings.stage);

    this.routeConfig = new RouteConfigParameters(this, 'RouteConfig', {
      prefix: settings.ssmPrefix,
      document: routes.document,
      ownership: settings.configOwnership,
      logRetention: settings.logRetentionDays,
    });

    this.gateway = new GatewayFunction(this, 'Gateway', {
      ssmPrefix: settings.ssmPrefix,
      authMode: settings.authMode,
      mantleRegions: mantleRegions(routes.config),
      bearerTokenParameters: bearerTokenParameters(routes.config),
      ...secureStringKeyFor(settings, this.region),
      memoryMiB: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
      ...(settings.reservedConcurrency !== undefined ? { reservedConcurrency: settings.reservedConcurrency } : {}),
      logRetention: settings.logRetentionDays,
      corsOrigins: settings.corsOrigins,
      configTtlSeconds: settings.configTtlSeconds,
      resilienceEnvironment: resilienceEnvironment(settings),
      configFullReadSeconds: settings.configFullReadSeconds,
      stage: settings.stage,
      logLevel: settings.logLevel,
      ...(props.entry ? { entry: props.entry } : {}),
    });
    // The first request after the deploy finds its configuration.
    this.gateway.function.node.addDependency(this.routeConfig);
    // Hand edits under the prefix move the revision marker, so running functions re-read within a TTL.
    this.revisionMarkerUpdater = new RevisionMarkerUpdater(this, 'RevisionMarkerUpdater', {
      prefix: settings.ssmPrefix,
      logRetention: settings.logRetentionDays,
    });

    new CfnOutput(this, 'FunctionUrl', {
      value: this.gateway.url.url,
      description: `Gateway base URL (auth ${settings.authMode === 'iam' ? 'AWS_IAM: sign with SigV4, service lambda' : 'NONE: every request needs a gateway API key (npx mantle-gateway keys create)'})`,
    });
    new CfnOutput(this, 'SsmPrefix', { value: settings.ssmPrefix, description: 'Route configuration in SSM Parameter Store' });
    new CfnOutput(this, 'FunctionArn', {
      value: this.gateway.function.functionArn,
      description: 'For callers\' IAM policies: lambda:InvokeFunctionUrl and lambda:InvokeFunction on this ARN',
    });
    new CfnOutput(this, 'LogGroupName', { value: this.gateway.logGroup.logGroupName, description: 'Gateway logs' });

    this.observability = new GatewayObservability(this, 'Observability', {
      function: this.gateway.function,
      logGroup: this.gateway.logGroup,
      stage: settings.stage,
      models: routes.config.models.map((model) => model.id),
      timeout: Duration.seconds(settings.timeoutSeconds),
      alarmTopic: alarmTopicFor(settings, this.region),
    });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName, description: 'CloudWatch dashboard of this region' });
    if (this.observability.createdTopic) {
      new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.createdTopic.topicArn, description: 'Subscribe to receive the gateway alarms' });
    }

    acknowledgeGatewayFindings(this.gateway);
    acknowledgeRuntimePin(this.gateway);
    acknowledgeRuntimePin(this.revisionMarkerUpdater);
    acknowledgeSeederFindings(this.routeConfig);
    if (this.observability.createdTopic) acknowledgeAlarmTopic(this.observability.createdTopic);
  }
}

function alarmTopicFor(settings: DeploySettings, region: string): AlarmTopicSetting {
  const choice = settings.alarmTopic;
  if (choice === 'none' || choice === 'create') return { mode: choice };
  const arn = choice.find((candidate) => topicRegion(candidate) === region);
  return arn ? { mode: 'existing', arn } : { mode: 'none' };
}

/** This region's customer managed key, if the settings name keys. */
function secureStringKeyFor(settings: DeploySettings, region: string): { secureStringKeyArn?: string } {
  const key = settings.secureStringKeyArns.find((arn) => keyRegion(arn) === region);
  return key ? { secureStringKeyArn: key } : {};
}
