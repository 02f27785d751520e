/**
 * The cdk-nag (AwsSolutions) findings this app accepts, each on the one construct it concerns, each for one
 * exact finding id (`AwsSolutions-IAM5[Resource::...]`), each with the reason. Anything else fails synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { GatewayFunction } from './gateway-function.js';
import type { RouteConfigParameters } from './route-config-parameters.js';

export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges the gateway role's wildcard resources, each with why it cannot be narrower. */
export function acknowledgeGatewayFindings(gateway: GatewayFunction): NagAcknowledgement[] {
  const { mantleProjects, routeConfig, kmsKeys } = gateway.gatewayRole.wildcardResources;
  const role = gateway.gatewayRole.role;
  const acknowledgements: NagAcknowledgement[] = [
    ...mantleProjects.map((arn) => ({
      id: wildcardFinding(role, arn),
      reason:
        'Mantle authorizes inference on project/<id>; routes pick projects through OpenAI-Project/anthropic-workspace ' +
        'headers that admins change in SSM without a deploy, so every project of a region the routes target is allowed ' +
        '(only those regions, only the six inference actions).',
    })),
    {
      id: wildcardFinding(role, routeConfig),
      reason:
        'The gateway reads its route configuration with GetParametersByPath under its own prefix; models and providers ' +
        'are added by admins at run time, so their parameter names are not known at synth.',
    },
  ];
  if (kmsKeys !== undefined) {
    acknowledgements.push({
      id: wildcardFinding(role, kmsKeys),
      reason:
        'SecureStrings use the AWS managed aws/ssm key, whose id is not known at synth; Decrypt is limited by kms:ViaService ' +
        'to SSM in this region and by kms:EncryptionContext:PARAMETER_ARN to the parameters the gateway may read.',
    });
  }
  return acknowledge(role, acknowledgements);
}

/** Acknowledges the seeding custom resource's findings (seed mode). */
export function acknowledgeSeederFindings(parameters: RouteConfigParameters): NagAcknowledgement[] {
  if (!parameters.seederRole || !parameters.seederWritableParameters) return [];
  return acknowledge(parameters.seederRole, [
    {
      id: wildcardFinding(parameters.seederRole, parameters.seederWritableParameters),
      reason:
        'The seeder creates route-config parameters under the gateway prefix only (PutParameter with Overwrite false); ' +
        'one ARN per document would outgrow the 10 KB inline policy limit for large configs.',
    },
  ]);
}

/**
 * AwsSolutions-L1 asks for the newest Node.js runtime. The gateway pins Node.js 22 on purpose: the bundle targets
 * node22 and the runtime-client test runs it on Node.js 22, so a runtime change is a tested change, not drift.
 * The revision marker updater shares the pin (one runtime to review), so it takes the same acknowledgement.
 */
export function acknowledgeRuntimePin(owner: { readonly function: IConstruct }): NagAcknowledgement[] {
  return acknowledge(owner.function, [
    {
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned deliberately: the esbuild bundle targets node22 and is tested under the Lambda runtime ' +
        'client on Node.js 22; moving to a newer runtime is a reviewed, tested change (GATEWAY_RUNTIME in lib/gateway-function.ts).',
    },
  ]);
}

/**
 * AwsSolutions-SNS2 asks for server-side encryption of the alarm topic. CloudWatch alarms cannot publish to a
 * topic encrypted with the AWS managed `aws/sns` key, and alarm notifications carry no data beyond the alarm's
 * name and state; a customer managed key would add cost and a key policy for nothing.
 */
export function acknowledgeAlarmTopic(topic: IConstruct): NagAcknowledgement[] {
  return acknowledge(topic, [
    {
      id: 'AwsSolutions-SNS2',
      reason:
        'The alarm topic carries only CloudWatch alarm state changes (names, thresholds, no request data); CloudWatch ' +
        'cannot publish to topics encrypted with aws/sns, and a customer managed key would add cost and policy for no data worth protecting.',
    },
  ]);
}

function acknowledge(scope: IConstruct, acknowledgements: NagAcknowledgement[]): NagAcknowledgement[] {
  Validations.of(scope).acknowledge(...acknowledgements);
  return acknowledgements;
}

/** The id cdk-nag gives a wildcard resource finding: the ARN flattened, `<AWS::Partition>` for a `Ref`. */
export function wildcardFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (node && typeof node === 'object') {
    const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flatten).join(join[0]);
    const getAtt = (node as { 'Fn::GetAtt'?: [unknown, unknown] })['Fn::GetAtt'];
    if (getAtt) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    const ref = (node as { Ref?: unknown }).Ref;
    if (ref !== undefined) return `<${flatten(ref)}>`;
  }
  return JSON.stringify(node);
}
