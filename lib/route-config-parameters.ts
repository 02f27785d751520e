/**
 * Writes the route configuration to SSM Parameter Store: one parameter per provider and per model
 * (`<prefix>/providers/<id>`, `<prefix>/models/<id>`), each holding that document as written, as JSON.
 *
 * Two ownership models (docs/adr/0002-ssm-config-ownership.md):
 * - `seed` (default): a custom resource calls `PutParameter` with `Overwrite: false` and ignores
 *   `ParameterAlreadyExists`, so a deploy creates what is missing and never touches an existing parameter;
 *   removing the stack (or a document from the file) leaves the parameters. Admins own the live config.
 * - `stack`: each parameter is an `AWS::SSM::Parameter`; CloudFormation owns it, overwrites it when its
 *   document in the file changes and deletes it with the stack or when the document leaves the file.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { toParameters, type ConfigDocument } from '../lambda/config-store/parameter-layout.js';
import { ConfigValidationError } from '../lambda/config/validate.js';
import type { ConfigOwnership } from './deploy-settings.js';

/** Intelligent-Tiering stores a document as standard up to 4 KB and as advanced up to this size. */
export const MAX_PARAMETER_BYTES = 8192;

/** The tier every route-config parameter is written with: a model with many routes may pass 4 KB. */
export const PARAMETER_TIER = ParameterTier.INTELLIGENT_TIERING;

export interface RouteConfigParametersProps {
  /** Normalized prefix (no trailing slash). */
  readonly prefix: string;
  /** The config file's documents as written (validated already). */
  readonly document: ConfigDocument;
  /** @default 'seed' */
  readonly ownership?: ConfigOwnership;
  /** Retention of the seeding function's log group (seed mode). @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export class RouteConfigParameters extends Construct {
  /** Parameter name to JSON value, in file order. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The seeding custom resources' shared role (seed mode only), for the cdk-nag acknowledgements. */
  readonly seederRole?: Role;
  /** The wildcard resource the seeder may write (seed mode only). */
  readonly seederWritableParameters?: string;

  constructor(scope: Construct, id: string, props: RouteConfigParametersProps) {
    super(scope, id);
    this.parameters = toParameters(props.prefix, props.document);
    assertSizes(this.parameters);
    const stack = Stack.of(this);

    if ((props.ownership ?? 'seed') === 'stack') {
      for (const [name, value] of this.parameters) {
        new StringParameter(this, constructIdFor(props.prefix, name), {
          parameterName: name,
          stringValue: value,
          tier: PARAMETER_TIER,
          description: `mantle-gateway route config, owned by stack ${stack.stackName}: edit the file and deploy`,
        });
      }
      return;
    }

    const writable = `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${props.prefix}/*`;
    const logGroup = new LogGroup(this, 'SeederLogGroup', {
      retention: props.logRetention ?? 30,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'SeederRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'mantle-gateway: creates missing route-config parameters at deploy time, never overwrites',
      inlinePolicies: {
        seed: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'CreateMissingRouteConfig', effect: Effect.ALLOW, actions: ['ssm:PutParameter'], resources: [writable] }),
            new PolicyStatement({
              sid: 'WriteOwnLogs',
              effect: Effect.ALLOW,
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    for (const [name, value] of this.parameters) {
      const seed: AwsSdkCall = {
        service: 'SSM',
        action: 'putParameter',
        parameters: {
          Name: name,
          Value: value,
          Type: 'String',
          Tier: PARAMETER_TIER,
          Overwrite: false,
          Description: 'mantle-gateway route config, seeded at first deploy: admins own it (the stack never overwrites it)',
        },
        physicalResourceId: PhysicalResourceId.of(name),
        // The parameter exists: an admin's value, or an earlier seed. Either way it wins.
        ignoreErrorCodesMatching: 'ParameterAlreadyExists',
      };
      // Update repeats the create (a changed file seeds a parameter that was deleted meanwhile); no delete call.
      new AwsCustomResource(this, constructIdFor(props.prefix, name), {
        resourceType: 'Custom::MantleGatewaySeedParameter',
        onCreate: seed,
        onUpdate: seed,
        role,
        logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(1),
      });
    }
    this.seederRole = role;
    this.seederWritableParameters = writable;
  }
}

/** `models/gpt-oss-120b` from `/mantle-gateway/models/gpt-oss-120b`; construct ids may not contain `/`. */
function constructIdFor(prefix: string, name: string): string {
  return name.slice(prefix.length + 1).replace('/', ':');
}

function assertSizes(parameters: ReadonlyMap<string, string>): void {
  const issues = [...parameters].flatMap(([name, value]) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes > MAX_PARAMETER_BYTES
      ? [`${name}: the document is ${bytes} bytes as JSON; an SSM parameter holds at most ${MAX_PARAMETER_BYTES}`]
      : [];
  });
  if (issues.length > 0) throw new ConfigValidationError(issues);
}
