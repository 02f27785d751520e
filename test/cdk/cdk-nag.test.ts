import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { buildTestGateway, configFor, writeConfig } from './fixtures.js';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason })),
  );
}

const BEARER_PROVIDER =
  '  - id: keyed\n    type: aws_bedrock\n    region: us-east-1\n    auth:\n      mode: bearer\n      token: ssm:/teams/ai/bedrock-api-key\n';

describe('cdk-nag AwsSolutions checks', () => {
  it.each<[string, Record<string, unknown>]>([
    ['the defaults', {}],
    ['api_key mode with CORS', { authMode: 'api_key', corsOrigins: '*' }],
    ['stack ownership', { configOwnership: 'stack' }],
    ['an alarm topic the stack creates', { alarmTopic: 'create' }],
    ['three regions and a reserved concurrency', { regions: 'us-east-1,us-east-2,us-west-2', reservedConcurrency: 10 }],
    ['a customer managed key and bearer tokens', {
      secureStringKeyArns: 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      configFile: writeConfig(configFor(['us-east-2'], BEARER_PROVIDER)),
    }],
  ])('leave no unacknowledged finding with %s', async (_name, context) => {
    const { app } = await buildTestGateway(context);
    expect(() => app.synth()).not.toThrow();
  });

  it('fail synth on a finding nobody acknowledged', async () => {
    const { app, stacks } = await buildTestGateway();
    stacks[0]?.gateway.gatewayRole.role.addToPolicy(new PolicyStatement({ actions: ['bedrock:*'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::bedrock:\*\]/);
  });

  it('acknowledge each finding by its exact id, on the construct it concerns, with a reason', async () => {
    const { app } = await buildTestGateway();
    const found = acknowledgements(app);
    expect(found.map(({ path, id }) => [path, id])).toEqual([
      ['MantleGateway-us-east-2/RouteConfig/SeederRole', 'AwsSolutions-IAM5[Resource::arn:aws:ssm:us-east-2:111122223333:parameter/mantle-gateway/*]'],
      ['MantleGateway-us-east-2/Gateway/Role/Resource', 'AwsSolutions-IAM5[Resource::arn:aws:bedrock-mantle:us-east-2:111122223333:project/*]'],
      ['MantleGateway-us-east-2/Gateway/Role/Resource', 'AwsSolutions-IAM5[Resource::arn:aws:bedrock-mantle:us-west-2:111122223333:project/*]'],
      ['MantleGateway-us-east-2/Gateway/Role/Resource', 'AwsSolutions-IAM5[Resource::arn:aws:ssm:us-east-2:111122223333:parameter/mantle-gateway/*]'],
      ['MantleGateway-us-east-2/Gateway/Role/Resource', 'AwsSolutions-IAM5[Resource::arn:aws:kms:us-east-2:111122223333:key/*]'],
      ['MantleGateway-us-east-2/Gateway/Function', 'AwsSolutions-L1'],
      ['MantleGateway-us-east-2/RevisionMarkerUpdater/Function', 'AwsSolutions-L1'],
    ]);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(80);
  });

  it('acknowledge nothing for the KMS key when a customer managed key is configured', async () => {
    const { app } = await buildTestGateway({ secureStringKeyArns: ['arn:aws:kms:us-east-2:111122223333:key/abcd'] });
    expect(acknowledgements(app).map(({ id }) => id)).not.toContainEqual(expect.stringContaining(':kms:'));
  });
});
