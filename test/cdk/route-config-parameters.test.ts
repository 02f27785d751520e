import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { toParameters } from '../../lambda/config-store/parameter-layout.js';
import { ConfigValidationError, validateGatewayConfig } from '../../lambda/config/validate.js';
import { arn, buildTestGateway, configFor, EXAMPLE_CONFIG, writeConfig } from './fixtures.js';

const exampleParameters = (prefix: string): Map<string, string> => toParameters(prefix, parse(readFileSync(EXAMPLE_CONFIG, 'utf8')));

/** The SDK call a seeding custom resource makes, as the template carries it. */
function seedCalls(template: ReturnType<Awaited<ReturnType<typeof buildTestGateway>>['template']>): Record<string, unknown>[] {
  return Object.values(template.findResources('Custom::MantleGatewaySeedParameter')).map((resource) => {
    const create = (resource as { Properties: { Create: unknown } }).Properties.Create;
    return JSON.parse(typeof create === 'string' ? create : JSON.stringify(create)) as Record<string, unknown>;
  });
}

describe('route configuration in SSM', () => {
  describe('seed ownership (default)', () => {
    it('seeds one parameter per provider and per model, each document as written, as JSON', async () => {
      const calls = seedCalls((await buildTestGateway()).template());
      const expected = exampleParameters('/mantle-gateway');
      expect(calls.map((call) => (call['parameters'] as { Name: string }).Name)).toEqual([...expected.keys()]);
      for (const call of calls) {
        const { Name, Value } = call['parameters'] as { Name: string; Value: string };
        expect(Value).toBe(expected.get(Name));
      }
    });

    it('creates a parameter only when it is missing: Overwrite false, ParameterAlreadyExists ignored, Intelligent-Tiering', async () => {
      for (const call of seedCalls((await buildTestGateway()).template())) {
        expect(call).toMatchObject({
          service: 'SSM',
          action: 'putParameter',
          parameters: { Type: 'String', Tier: 'Intelligent-Tiering', Overwrite: false },
          ignoreErrorCodesMatching: 'ParameterAlreadyExists',
        });
      }
    });

    it('repeats the seed on update and never deletes a parameter', async () => {
      const template = (await buildTestGateway()).template();
      template.allResourcesProperties('Custom::MantleGatewaySeedParameter', {
        Create: Match.anyValue(),
        Update: Match.anyValue(),
        Delete: Match.absent(),
      });
      template.resourceCountIs('AWS::SSM::Parameter', 0);
    });

    it('writes under the configured prefix, with a role that may create parameters there and nothing else', async () => {
      const template = (await buildTestGateway({ ssmPrefix: '/llm/gateway', regions: ['eu-west-1'] })).template();
      for (const call of seedCalls(template)) expect((call['parameters'] as { Name: string }).Name).toMatch(/^\/llm\/gateway\/(providers|models)\//);
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('creates missing route-config parameters'),
        ManagedPolicyArns: Match.absent(),
        Policies: [
          {
            PolicyName: 'seed',
            PolicyDocument: {
              Statement: [
                { Sid: 'CreateMissingRouteConfig', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arn('ssm', 'eu-west-1', 'parameter/llm/gateway/*') },
                { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: Match.anyValue() },
              ],
            },
          },
        ],
      });
    });
  });

  describe('stack ownership', () => {
    it('owns one AWS::SSM::Parameter per document, Intelligent-Tiering, and no seeding custom resource', async () => {
      const template = (await buildTestGateway({ configOwnership: 'stack' })).template();
      const expected = exampleParameters('/mantle-gateway');
      template.resourceCountIs('AWS::SSM::Parameter', expected.size);
      template.resourceCountIs('Custom::MantleGatewaySeedParameter', 0);
      for (const [Name, Value] of expected) {
        template.hasResourceProperties('AWS::SSM::Parameter', { Name, Value, Type: 'String', Tier: 'Intelligent-Tiering' });
      }
    });
  });

  describe('validation at synth, by the validator the Lambda uses', () => {
    it('fails with the validator\'s own message for a bad route config', async () => {
      const yaml = configFor(['us-east-2']).replace('api_style: mantle_openai_chat', 'api_style: mantle_chat');
      const expected = (() => {
        try {
          validateGatewayConfig(parse(yaml));
        } catch (error) {
          return (error as ConfigValidationError).message;
        }
        throw new Error('the fixture should be invalid');
      })();
      expect(expected).toContain('compatibility.aws_bedrock.api_style must be one of');
      const synth = buildTestGateway({ configFile: writeConfig(yaml) });
      await expect(synth).rejects.toBeInstanceOf(ConfigValidationError);
      await expect(synth).rejects.toHaveProperty('message', expected);
    });

    it('rejects env.NAME bearer tokens, which a deployed function cannot resolve', async () => {
      const provider = '  - id: keyed\n    type: aws_bedrock\n    region: us-east-1\n    auth:\n      mode: bearer\n      token: env.AWS_BEARER_TOKEN_BEDROCK\n';
      await expect(buildTestGateway({ configFile: writeConfig(configFor(['us-east-2'], provider)) })).rejects.toThrow(
        /provider "keyed": auth\.token env\.AWS_BEARER_TOKEN_BEDROCK cannot be resolved in the deployed function/,
      );
    });

    it('rejects a document larger than an SSM parameter holds', async () => {
      const yaml = configFor(['us-east-2']).replace('  - id: gpt-oss\n', `  - id: gpt-oss\n    description: ${'x'.repeat(9000)}\n`);
      await expect(buildTestGateway({ configFile: writeConfig(yaml) })).rejects.toThrow(
        /\/mantle-gateway\/models\/gpt-oss: the document is \d+ bytes as JSON; an SSM parameter holds at most 8192/,
      );
    });
  });
});
