import { Match } from 'aws-cdk-lib/assertions';
import { arn, buildTestGateway, configFor, gatewayStatements, writeConfig } from './fixtures.js';

const MANTLE_ACTIONS = [
  'bedrock-mantle:CancelInference',
  'bedrock-mantle:CountTokens',
  'bedrock-mantle:CreateInference',
  'bedrock-mantle:DeleteInference',
  'bedrock-mantle:GetInference',
];

const BEARER_PROVIDER =
  '  - id: keyed\n    type: aws_bedrock\n    region: us-east-1\n    auth:\n      mode: bearer\n      token: ssm:/teams/ai/bedrock-api-key\n';

describe('the gateway role', () => {
  it('has four statements with the example config (no bearer tokens), and no managed policies', async () => {
    const template = (await buildTestGateway()).template();
    expect(Object.keys(gatewayStatements(template)).sort()).toEqual([
      'DecryptSecureStringsViaSsm',
      'MantleInference',
      'ReadRouteConfig',
      'WriteOwnLogs',
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^mantle-gateway function'),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('may call the five Mantle actions the gateway uses on the projects of every region the routes target, in any stack region', async () => {
    const gateway = await buildTestGateway({ regions: ['us-east-1', 'eu-west-1'] });
    for (const region of ['us-east-1', 'eu-west-1']) {
      gateway.template(region).hasResourceProperties('AWS::IAM::Role', {
        Policies: [
          {
            PolicyName: 'gateway',
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectEquals({
                  Sid: 'MantleInference',
                  Effect: 'Allow',
                  Action: MANTLE_ACTIONS,
                  Resource: [arn('bedrock-mantle', 'us-east-2', 'project/*'), arn('bedrock-mantle', 'us-west-2', 'project/*')],
                }),
              ]),
            },
          },
        ],
      });
    }
  });

  it('may not list or describe Mantle models: GET /v1/models is answered from the route config, never upstream', async () => {
    const configFile = writeConfig(configFor(['us-east-2'], BEARER_PROVIDER));
    const actions = Object.values(gatewayStatements((await buildTestGateway({ configFile })).template())).flatMap(
      (statement) => statement['Action'] as string | string[],
    );
    expect(actions).not.toContain('bedrock-mantle:ListModels');
    expect(actions).not.toContain('bedrock-mantle:GetModel');
  });

  it('follows the route config: one Mantle resource per provider region', async () => {
    const configFile = writeConfig(configFor(['ap-northeast-1', 'eu-central-1', 'us-east-2']));
    const statements = gatewayStatements((await buildTestGateway({ configFile })).template());
    expect(statements['MantleInference']?.['Resource']).toEqual([
      arn('bedrock-mantle', 'ap-northeast-1', 'project/*'),
      arn('bedrock-mantle', 'eu-central-1', 'project/*'),
      arn('bedrock-mantle', 'us-east-2', 'project/*'),
    ]);
  });

  it('has no wildcard action, no bedrock:InvokeModel and no aws:RequestedRegion condition', async () => {
    const configFile = writeConfig(configFor(['us-east-2'], BEARER_PROVIDER));
    const statements = gatewayStatements((await buildTestGateway({ configFile })).template());
    const json = JSON.stringify(statements);
    const actions = Object.values(statements).flatMap(
      (statement) => statement['Action'] as string | string[],
    );
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(json).not.toContain('bedrock:');
    expect(json).not.toContain('aws:RequestedRegion');
  });

  it('reads SSM under the prefix only, GetParametersByPath included (authorized on the path itself)', async () => {
    const statements = gatewayStatements((await buildTestGateway({ regions: ['eu-west-1'], ssmPrefix: '/llm/gateway' })).template());
    expect(statements['ReadRouteConfig']).toEqual({
      Sid: 'ReadRouteConfig',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: [arn('ssm', 'eu-west-1', 'parameter/llm/gateway'), arn('ssm', 'eu-west-1', 'parameter/llm/gateway/*')],
    });
  });

  it('decrypts SecureStrings with the aws/ssm key only through SSM in its region, only for its parameters', async () => {
    const statements = gatewayStatements((await buildTestGateway()).template());
    expect(statements['DecryptSecureStringsViaSsm']).toEqual({
      Sid: 'DecryptSecureStringsViaSsm',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: arn('kms', 'us-east-2', 'key/*'),
      Condition: {
        StringEquals: { 'kms:ViaService': 'ssm.us-east-2.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': [arn('ssm', 'us-east-2', 'parameter/mantle-gateway/*')] },
      },
    });
  });

  it('reads and decrypts the SecureString bearer tokens the config names', async () => {
    const configFile = writeConfig(configFor(['us-east-2'], BEARER_PROVIDER));
    const statements = gatewayStatements((await buildTestGateway({ configFile })).template());
    const token = arn('ssm', 'us-east-2', 'parameter/teams/ai/bedrock-api-key');
    expect(statements['ReadBearerTokens']).toEqual({ Sid: 'ReadBearerTokens', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: token });
    expect(statements['DecryptSecureStringsViaSsm']?.['Condition']).toEqual({
      StringEquals: { 'kms:ViaService': 'ssm.us-east-2.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': [arn('ssm', 'us-east-2', 'parameter/mantle-gateway/*'), token] },
    });
  });

  it('decrypts with the configured customer managed key of its own region instead of any key', async () => {
    const keys = ['arn:aws:kms:us-east-2:111122223333:key/1234abcd-east', 'arn:aws:kms:eu-west-1:111122223333:key/5678efgh-west'];
    const gateway = await buildTestGateway({ regions: ['us-east-2', 'eu-west-1'], secureStringKeyArns: keys });
    for (const [region, key] of [['us-east-2', keys[0]], ['eu-west-1', keys[1]]]) {
      expect(gatewayStatements(gateway.template(region))['DecryptSecureStringsViaSsm']).toMatchObject({ Resource: key, Action: 'kms:Decrypt' });
    }
  });

  it('writes to its own log group only', async () => {
    const statements = gatewayStatements((await buildTestGateway()).template());
    expect(statements['WriteOwnLogs']).toEqual({
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GatewayLogGroup/), 'Arn'] },
    });
  });
});
