/**
 * Keeps the revision marker (`<prefix>/revision`) up to date for edits made outside the admin CLI and the deploy:
 * an EventBridge rule on Parameter Store change events for names under the layout's sub-paths invokes a small
 * function that writes a new marker value, so a hand edit reaches every running gateway within about TTL + the
 * event's delivery time (seconds). The rule lists the sub-paths rather than the whole prefix: that is what the
 * gateway reads, and it leaves out the marker itself, whose updates would otherwise trigger the rule again.
 */
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAYOUT_PATHS, revisionParameterName, type LayoutPath } from '../lambda/config-store/parameter-layout.js';
import { GATEWAY_ESBUILD_TARGET, GATEWAY_RUNTIME, PROJECT_ROOT } from './gateway-function.js';

/** The Parameter Store operations that change what the gateway reads (labels do not: it reads the latest version). */
export const MARKED_OPERATIONS: readonly string[] = ['Create', 'Update', 'Delete'];

export interface RevisionMarkerUpdaterProps {
  /** The route-config prefix, normalized (no trailing slash). */
  readonly prefix: string;
  /** The sub-paths whose changes move the marker. @default LAYOUT_PATHS */
  readonly paths?: readonly LayoutPath[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export class RevisionMarkerUpdater extends Construct {
  readonly rule: Rule;
  readonly function: NodejsFunction;
  readonly role: Role;
  /** The marker's ARN: the one resource the role may write. */
  readonly markerArn: string;

  constructor(scope: Construct, id: string, props: RevisionMarkerUpdaterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const marker = revisionParameterName(props.prefix);
    this.markerArn = `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${marker}`;
    const logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention ?? 30 });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'mantle-gateway revision marker updater: writes <prefix>/revision and nothing else',
      inlinePolicies: {
        updateMarker: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'WriteRevisionMarker', effect: Effect.ALLOW, actions: ['ssm:PutParameter'], resources: [this.markerArn] }),
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
    this.function = new NodejsFunction(this, 'Function', {
      description: `mantle-gateway: writes a new ${marker} after each Parameter Store change under the prefix`,
      entry: fileURLToPath(new URL('../lambda/revision-updater/handler.ts', import.meta.url)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      runtime: GATEWAY_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(30),
      role: this.role,
      logGroup,
      environment: { GATEWAY_REVISION_PARAMETER: marker },
      // The runtime's own AWS SDK: the function makes one PutParameter call, and the asset stays a few KB.
      bundling: { minify: true, target: GATEWAY_ESBUILD_TARGET, forceDockerBundling: false },
    });
    const paths = props.paths ?? LAYOUT_PATHS;
    this.rule = new Rule(this, 'Rule', {
      description: `mantle-gateway: Parameter Store changes under ${props.prefix} move ${marker}`,
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['Parameter Store Change'],
        detail: {
          name: Match.anyOf(...paths.map((path) => Match.prefix(`${props.prefix}/${path.kind}/`))),
          operation: [...MARKED_OPERATIONS],
        },
      },
      // Asynchronous invocation: Lambda itself retries a failed write twice; EventBridge retries delivery.
      targets: [new LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });
  }
}
