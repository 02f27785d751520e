/**
 * The gateway function's role: exactly what the gateway calls, written out statement by statement.
 *
 * - `bedrock-mantle:*Inference` and `CountTokens` on the projects of the regions the routes target.
 *   `bedrock:InvokeModel` does not grant Mantle and is not here; no `aws:RequestedRegion` condition either
 *   (Mantle requests do not carry it, so it would deny).
 * - SSM reads under the route-config prefix, `GetParametersByPath` included (it is authorized on the path): the
 *   routes, and the caller documents next to them (`<prefix>/keys/*` SecureStrings, `<prefix>/principals/*`).
 * - `ssm:GetParameter` on SecureString bearer tokens the config names (`ssm:/path`).
 * - `kms:Decrypt` only through SSM in this region, only for those parameters (key documents included).
 * - Writing to its own log group.
 */
import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The Mantle actions the gateway calls. `ListModels` and `GetModel` are left out: `GET /v1/models` is answered
 * from the route configuration and never reaches Mantle.
 */
export const MANTLE_ACTIONS: readonly string[] = [
  'bedrock-mantle:CreateInference',
  'bedrock-mantle:CountTokens',
  'bedrock-mantle:GetInference',
  'bedrock-mantle:CancelInference',
  'bedrock-mantle:DeleteInference',
];

export const ROUTE_CONFIG_READ_ACTIONS: readonly string[] = ['ssm:GetParametersByPath', 'ssm:GetParameters', 'ssm:GetParameter'];

export interface GatewayRoleProps {
  /** The route-config prefix, normalized (no trailing slash). */
  readonly ssmPrefix: string;
  /** Regions of the Mantle endpoints the routes target; no statement when empty. */
  readonly mantleRegions: readonly string[];
  /** SecureString parameter names of `ssm:/path` bearer tokens. @default [] */
  readonly bearerTokenParameters?: readonly string[];
  /** Key that encrypts the SecureStrings. @default any key of this account and region, used through SSM (`aws/ssm`) */
  readonly secureStringKeyArn?: string;
  /** The function's log group; the role may write there and nowhere else. */
  readonly logGroup: ILogGroup;
}

/** A Lambda execution role with one inline policy, `gateway`, and no managed policies. */
export class GatewayRole extends Construct {
  readonly role: Role;
  /** Resource ARNs that end in a wildcard, by reason, for the cdk-nag acknowledgements. */
  readonly wildcardResources: { readonly mantleProjects: readonly string[]; readonly routeConfig: string; readonly kmsKeys?: string };

  constructor(scope: Construct, id: string, props: GatewayRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, region: string, resource: string): string =>
      `arn:${stack.partition}:${service}:${region}:${stack.account}:${resource}`;

    const mantleProjects = props.mantleRegions.map((region) => arn('bedrock-mantle', region, 'project/*'));
    const routeConfig = arn('ssm', stack.region, `parameter${props.ssmPrefix}/*`);
    const tokens = (props.bearerTokenParameters ?? []).map((name) => arn('ssm', stack.region, `parameter${name}`));
    const kmsKeys = props.secureStringKeyArn ?? arn('kms', stack.region, 'key/*');

    const statements: PolicyStatement[] = [];
    if (mantleProjects.length > 0) {
      statements.push(allow('MantleInference', MANTLE_ACTIONS, mantleProjects));
    }
    statements.push(
      allow('ReadRouteConfig', ROUTE_CONFIG_READ_ACTIONS, [arn('ssm', stack.region, `parameter${props.ssmPrefix}`), routeConfig]),
    );
    if (tokens.length > 0) statements.push(allow('ReadBearerTokens', ['ssm:GetParameter'], tokens));
    statements.push(
      new PolicyStatement({
        sid: 'DecryptSecureStringsViaSsm',
        effect: Effect.ALLOW,
        actions: ['kms:Decrypt'],
        resources: [kmsKeys],
        conditions: {
          StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': [routeConfig, ...tokens] },
        },
      }),
      allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [props.logGroup.logGroupArn]),
    );

    this.role = new Role(this, 'Resource', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'mantle-gateway function: Mantle inference, route config reads, own logs',
      inlinePolicies: { gateway: new PolicyDocument({ statements }) },
    });
    this.wildcardResources = {
      mantleProjects,
      routeConfig,
      ...(props.secureStringKeyArn === undefined ? { kmsKeys } : {}),
    };
  }
}

function allow(sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return new PolicyStatement({ sid, effect: Effect.ALLOW, actions: [...actions], resources: [...resources] });
}
