/**
 * The stack keeps the revision marker moving: an EventBridge rule for Parameter Store changes under the layout's
 * sub-paths (never the marker itself) invokes an updater that may write the marker and nothing else, and the
 * deploy writes the marker after its documents.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { LAYOUT_PATHS } from '../../lambda/config-store/parameter-layout.js';
import { arn, buildTestGateway, configFor, writeConfig } from './fixtures.js';

type Template = ReturnType<Awaited<ReturnType<typeof buildTestGateway>>['template']>;

interface EventPattern {
  readonly source: string[];
  readonly 'detail-type': string[];
  readonly detail: { readonly name: Array<{ readonly prefix: string }>; readonly operation: string[] };
}

function rulePattern(template: Template): EventPattern {
  const rules = Object.values(template.findResources('AWS::Events::Rule'));
  expect(rules).toHaveLength(1);
  return (rules[0] as { Properties: { EventPattern: EventPattern } }).Properties.EventPattern;
}

/** What EventBridge's prefix matching would decide for a parameter name. */
const matches = (pattern: EventPattern, name: string) => pattern.detail.name.some(({ prefix }) => name.startsWith(prefix));

function markerWrites(template: Template): Array<{ parameters: Record<string, unknown> }> {
  return Object.values(template.findResources('Custom::MantleGatewayRevisionMarker')).map((resource) => {
    const create = (resource as { Properties: { Create: unknown } }).Properties.Create;
    return JSON.parse(typeof create === 'string' ? create : JSON.stringify(create)) as { parameters: Record<string, unknown> };
  });
}

describe('the revision marker updater', () => {
  it('reacts to Parameter Store changes under the layout\'s sub-paths of its prefix only, never to the marker', async () => {
    const pattern = rulePattern((await buildTestGateway({ ssmPrefix: '/llm/gateway' })).template());
    expect(pattern.source).toEqual(['aws.ssm']);
    expect(pattern['detail-type']).toEqual(['Parameter Store Change']);
    expect(pattern.detail.name).toEqual(LAYOUT_PATHS.map((path) => ({ prefix: `/llm/gateway/${path.kind}/` })));
    expect(pattern.detail.operation).toEqual(['Create', 'Update', 'Delete']);

    expect(matches(pattern, '/llm/gateway/models/qwen3-32b')).toBe(true);
    expect(matches(pattern, '/llm/gateway/providers/mantle-us-east-2')).toBe(true);
    expect(matches(pattern, '/llm/gateway/revision')).toBe(false);
    expect(matches(pattern, '/llm/gateway-dev/models/qwen3-32b')).toBe(false);
    expect(matches(pattern, '/mantle-gateway/models/qwen3-32b')).toBe(false);
  });

  it('invokes the updater, which is told the marker\'s name', async () => {
    const template = (await buildTestGateway({ ssmPrefix: '/llm/gateway' })).template();
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RevisionMarkerUpdaterFunction'), 'Arn'] }, RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { GATEWAY_REVISION_PARAMETER: '/llm/gateway/revision' } },
      MemorySize: 128,
      Architectures: ['arm64'],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RevisionMarkerUpdaterFunction'), 'Arn'] },
    });
  });

  it('may write the marker and nothing else (ssm:PutParameter on the marker only), with no managed policies', async () => {
    const template = (await buildTestGateway({ ssmPrefix: '/llm/gateway', regions: ['eu-west-1'] })).template();
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('revision marker updater'),
      ManagedPolicyArns: Match.absent(),
      Policies: [
        {
          PolicyName: 'updateMarker',
          PolicyDocument: {
            Statement: [
              { Sid: 'WriteRevisionMarker', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arn('ssm', 'eu-west-1', 'parameter/llm/gateway/revision') },
              { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: Match.anyValue() },
            ],
          },
        },
      ],
    });
  });
});

describe('the deploy\'s marker write', () => {
  it('writes the marker after every seeded document, with a value that follows the file', async () => {
    const template = (await buildTestGateway()).template();
    const [write] = markerWrites(template);
    expect(write?.parameters).toMatchObject({ Name: '/mantle-gateway/revision', Type: 'String', Overwrite: true, Value: expect.stringMatching(/^deploy sha256:[0-9a-f]{16}$/) });
    const markerResource = Object.values(template.findResources('Custom::MantleGatewayRevisionMarker'))[0] as { DependsOn?: string[] };
    expect(markerResource.DependsOn?.length).toBe(Object.keys(template.findResources('Custom::MantleGatewaySeedParameter')).length);

    const edited = configFor(['us-east-2']).replace('upstream_model: openai.gpt-oss-120b', 'upstream_model: openai.gpt-oss-20b');
    const other = markerWrites((await buildTestGateway({ configFile: writeConfig(edited) })).template())[0];
    const same = markerWrites((await buildTestGateway({ configFile: writeConfig(configFor(['us-east-2'])) })).template())[0];
    const again = markerWrites((await buildTestGateway({ configFile: writeConfig(configFor(['us-east-2'])) })).template())[0];
    expect(other?.parameters['Value']).not.toBe(same?.parameters['Value']);
    expect(again?.parameters['Value']).toBe(same?.parameters['Value']);
  });

  it('writes it in stack ownership too, after the stack\'s parameters, with a role limited to the marker', async () => {
    const template = (await buildTestGateway({ configOwnership: 'stack', regions: ['eu-west-1'] })).template();
    expect(markerWrites(template)).toHaveLength(1);
    const markerResource = Object.values(template.findResources('Custom::MantleGatewayRevisionMarker'))[0] as { DependsOn?: string[] };
    expect(markerResource.DependsOn?.length).toBe(Object.keys(template.findResources('AWS::SSM::Parameter')).length);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('moves the route-config revision marker'),
      Policies: [
        {
          PolicyName: 'seed',
          PolicyDocument: {
            Statement: [
              { Sid: 'WriteRevisionMarker', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arn('ssm', 'eu-west-1', 'parameter/mantle-gateway/revision') },
              Match.objectLike({ Sid: 'WriteOwnLogs' }),
            ],
          },
        },
      ],
    });
  });
});
