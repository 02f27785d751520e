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
 *
 * In both, after the documents, a custom resource writes the revision marker (`<prefix>/revision`) with a value
 * derived from the file's documents, so a deploy that changes them moves the marker and running gateways re-read
 * within a TTL. A deploy that leaves the file unchanged writes nothing, and neither does the marker.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { revisionParameterName, toParameters, type ConfigDocument } from '../lambda/config-store/parameter-layout.js';
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
  /** The custom resource that writes the revision marker after the documents. */
  readonly revisionMarker: AwsCustomResource;

  constructor(scope: Construct, id: string, props: RouteConfigParametersProps) {
    super(scope, id);
    this.parameters = toParameters(props.prefix, props.document);
    assertSizes(this.parameters);
    const stack = Stack.of(this);

    const seeding = (props.ownership ?? 'seed') === 'seed';
    const marker = revisionParameterName(props.prefix);
    const parameterArn = (name: string): string => `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${name}`;
    // Every AwsCustomResource of a stack runs in one shared provider function, with the role of the first: one
    // role here serves the seeds (if any) and the marker.
    const writable = seeding ? parameterArn(`${props.prefix}/*`) : parameterArn(marker);
    const logGroup = new LogGroup(this, 'SeederLogGroup', {
      retention: props.logRetention ?? 30,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'SeederRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: seeding
        ? 'mantle-gateway: creates missing route-config parameters at deploy time, never overwrites; moves the revision marker'
        : 'mantle-gateway: moves the route-config revision marker at deploy time',
      inlinePolicies: {
        seed: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: seeding ? 'CreateMissingRouteConfig' : 'WriteRevisionMarker',
              effect: Effect.ALLOW,
              actions: ['ssm:PutParameter'],
              resources: [writable],
            }),
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
    const documents = seeding ? this.seed(props.prefix, role, logGroup) : this.own(props.prefix, stack.stackName);
    this.revisionMarker = new AwsCustomResource(this, 'RevisionMarker', {
      resourceType: 'Custom::MantleGatewayRevisionMarker',
      onCreate: markerWrite(marker, this.parameters),
      onUpdate: markerWrite(marker, this.parameters),
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(1),
    });
    for (const document of documents) this.revisionMarker.node.addDependency(document);
    if (seeding) {
      this.seederRole = role;
      this.seederWritableParameters = writable;
    }
  }

  /** `stack` ownership: one `AWS::SSM::Parameter` per document. */
  private own(prefix: string, stackName: string): Construct[] {
    return [...this.parameters].map(
      ([name, value]) =>
        new StringParameter(this, constructIdFor(prefix, name), {
          parameterName: name,
          stringValue: value,
          tier: PARAMETER_TIER,
          description: `mantle-gateway route config, owned by stack ${stackName}: edit the file and deploy`,
        }),
    );
  }

  /** `seed` ownership: one create-if-missing custom resource per document. */
  private seed(prefix: string, role: Role, logGroup: LogGroup): Construct[] {
    return [...this.parameters].map(([name, value]) => {
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
      return new AwsCustomResource(this, constructIdFor(prefix, name), {
        resourceType: 'Custom::MantleGatewaySeedParameter',
        onCreate: seed,
        onUpdate: seed,
        role,
        logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(1),
      });
    });
  }
}

/**
 * The marker write of a deploy: `deploy sha256:<hash of the documents>`, so the custom resource updates (and
 * writes) exactly when the file's documents change. Overwrite: the marker belongs to no one, any writer moves it.
 */
function markerWrite(marker: string, parameters: ReadonlyMap<string, string>): AwsSdkCall {
  const hash = createHash('sha256');
  for (const [name, value] of [...parameters].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${name}\n${value}\n`);
  return {
    service: 'SSM',
    action: 'putParameter',
    parameters: {
      Name: marker,
      Value: `deploy sha256:${hash.digest('hex').slice(0, 16)}`,
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
      Description: 'mantle-gateway revision marker: changes whenever a document under the prefix does',
    },
    physicalResourceId: PhysicalResourceId.of(marker),
  };
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
