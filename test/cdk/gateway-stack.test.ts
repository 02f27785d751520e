import { Match } from 'aws-cdk-lib/assertions';
import { buildTestGateway } from './fixtures.js';

describe('gateway stacks', () => {
  it('deploys one stack into the default region, named for `cdk deploy MantleGateway-us-east-2`', async () => {
    const { stacks } = await buildTestGateway();
    expect(stacks.map((stack) => [stack.node.id, stack.stackName, stack.region])).toEqual([
      ['MantleGateway-us-east-2', 'MantleGateway-prod-us-east-2', 'us-east-2'],
    ]);
  });

  it('deploys one complete stack per region for three regions', async () => {
    const gateway = await buildTestGateway({ regions: ['us-east-1', 'us-east-2', 'eu-west-1'], stage: 'dev' });
    expect(gateway.stacks.map((stack) => [stack.node.id, stack.stackName])).toEqual([
      ['MantleGateway-us-east-1', 'MantleGateway-dev-us-east-1'],
      ['MantleGateway-us-east-2', 'MantleGateway-dev-us-east-2'],
      ['MantleGateway-eu-west-1', 'MantleGateway-dev-eu-west-1'],
    ]);
    for (const region of ['us-east-1', 'us-east-2', 'eu-west-1']) {
      const template = gateway.template(region);
      template.resourceCountIs('AWS::Lambda::Function', 3); // the gateway, the seeding custom resource, the revision marker updater
      template.resourceCountIs('AWS::Lambda::Url', 1);
      template.resourceCountIs('Custom::MantleGatewaySeedParameter', 7);
      template.hasOutput('FunctionUrl', {});
    }
    expect(gateway.stacks.every((stack) => stack.dependencies.length === 0)).toBe(true);
  });

  describe('the function', () => {
    it('runs Node.js 22 on arm64 with a 15-minute timeout and 512 MiB by default', async () => {
      (await buildTestGateway()).template().hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 900,
        MemorySize: 512,
        ReservedConcurrentExecutions: Match.absent(),
      });
    });

    it('takes memory, timeout and reserved concurrency from the settings', async () => {
      const template = (await buildTestGateway({ memoryMiB: '1024', timeoutSeconds: '300', reservedConcurrency: '25' })).template();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Timeout: 300,
        MemorySize: 1024,
        ReservedConcurrentExecutions: 25,
      });
    });

    it('is configured through its environment, never with a Bedrock API key', async () => {
      const template = (await buildTestGateway({ ssmPrefix: '/llm/gateway', configTtlSeconds: 60, configFullReadSeconds: 600 })).template();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Environment: {
          Variables: {
            GATEWAY_SSM_PREFIX: '/llm/gateway',
            GATEWAY_CONFIG_TTL_SECONDS: '60',
            GATEWAY_CONFIG_FULL_READ_SECONDS: '600',
            GATEWAY_UPSTREAM_TIMEOUT_MS: '600000',
            POWERTOOLS_SERVICE_NAME: 'mantle-gateway',
            GATEWAY_STAGE: 'prod',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      const variables = Object.values(template.findResources('AWS::Lambda::Function')).map(
        (fn) => (fn as { Properties: { Environment?: { Variables?: object } } }).Properties.Environment?.Variables ?? {},
      );
      for (const vars of variables) expect(Object.keys(vars)).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
    });

    it('passes the retry and stream-watch settings to the function, with their defaults', async () => {
      const template = (await buildTestGateway({ retryAttemptsPerRoute: 2, streamIdleTimeoutSeconds: 20 })).template();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            GATEWAY_RETRY_ATTEMPTS_PER_ROUTE: '2',
            GATEWAY_RETRY_BASE_DELAY_MS: '250',
            GATEWAY_RETRY_BUDGET_SECONDS: '30',
            GATEWAY_ROUTE_COOLDOWN_SECONDS: '30',
            GATEWAY_STREAM_IDLE_TIMEOUT_SECONDS: '20',
          },
        },
      });
    });

    it.each([
      [900, '600000'],
      [300, '290000'],
      [30, '20000'],
    ])('with a %s s timeout, gives up waiting for Mantle\'s headers after %s ms, before Lambda stops it', async (timeoutSeconds, ms) => {
      (await buildTestGateway({ timeoutSeconds })).template().hasResourceProperties('AWS::Lambda::Function', {
        Timeout: timeoutSeconds,
        Environment: { Variables: Match.objectLike({ GATEWAY_UPSTREAM_TIMEOUT_MS: ms }) },
      });
    });

    it('logs to its own log group, kept for the configured retention', async () => {
      const template = (await buildTestGateway({ logRetentionDays: 90 })).template();
      const retained = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 } }));
      expect(retained).toHaveLength(3); // the gateway's, the seeder's and the revision marker updater's
      const logGroupId = retained.find((id) => id.startsWith('GatewayLogGroup'));
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        LoggingConfig: { LogGroup: { Ref: logGroupId } },
      });
    });
  });

  describe('the function URL', () => {
    it.each([
      ['iam', 'AWS_IAM'],
      ['api_key', 'NONE'],
    ])('streams (RESPONSE_STREAM) with auth type %s -> %s', async (authMode, authType) => {
      (await buildTestGateway({ authMode })).template().hasResourceProperties('AWS::Lambda::Url', {
        AuthType: authType,
        InvokeMode: 'RESPONSE_STREAM',
      });
    });

    it('is reachable by anyone in api_key mode, through the URL only (the gateway then requires an API key)', async () => {
      const template = (await buildTestGateway({ authMode: 'api_key' })).template();
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        InvokedViaFunctionUrl: true,
      });
    });

    it('grants nobody in iam mode: callers need their own lambda:InvokeFunctionUrl permission', async () => {
      const permissions = (await buildTestGateway({ authMode: 'iam' })).template().findResources('AWS::Lambda::Permission');
      // The one permission is EventBridge's, on the revision marker updater (test/cdk/revision-marker.test.ts).
      expect(Object.values(permissions).map((permission) => (permission as { Properties: { Principal: string } }).Properties.Principal)).toEqual(['events.amazonaws.com']);
    });

    it('has no CORS unless origins are configured', async () => {
      (await buildTestGateway()).template().hasResourceProperties('AWS::Lambda::Url', { Cors: Match.absent() });
    });

    it('allows the configured origins, the gateway methods and the SDK headers', async () => {
      const template = (await buildTestGateway({ corsOrigins: 'https://chat.example.com,http://localhost:5173' })).template();
      template.hasResourceProperties('AWS::Lambda::Url', {
        Cors: {
          AllowOrigins: ['https://chat.example.com', 'http://localhost:5173'],
          AllowMethods: ['GET', 'POST', 'DELETE'],
          AllowHeaders: Match.arrayWith(['content-type', 'authorization', 'x-api-key', 'anthropic-version', 'x-amz-date']),
          MaxAge: 3600,
        },
      });
    });
  });

  it('outputs the function URL, the SSM prefix, the function ARN and the log group', async () => {
    const template = (await buildTestGateway({ ssmPrefix: '/llm/gateway' })).template();
    template.hasOutput('FunctionUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayFunctionFunctionUrl'), 'FunctionUrl'] } });
    template.hasOutput('SsmPrefix', { Value: '/llm/gateway' });
    template.hasOutput('FunctionArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayFunction'), 'Arn'] } });
    template.hasOutput('LogGroupName', { Value: { Ref: Match.stringLikeRegexp('^GatewayLogGroup') } });
  });
});
