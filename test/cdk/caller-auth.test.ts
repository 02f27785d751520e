/**
 * The caller-auth side of the stack: the function URL's auth type and the function's GATEWAY_AUTH_MODE follow the
 * `authMode` setting together, and the role can read (and decrypt) the key and principal documents.
 */
import { buildTestGateway, DUMMY_ACCOUNT, gatewayStatements } from './fixtures.js';

/** IAM's wildcard semantics, enough for resource ARNs and `StringLike` patterns. */
function covers(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

describe('caller auth in the stack', () => {
  it.each([
    ['iam', 'AWS_IAM'],
    ['api_key', 'NONE'],
  ])('authMode %s: URL auth type %s and the same mode for the gateway', async (authMode, authType) => {
    const template = (await buildTestGateway({ authMode })).template();
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: authType });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { GATEWAY_AUTH_MODE: authMode, GATEWAY_SSM_PREFIX: '/mantle-gateway' } } });
  });

  it.each([['/mantle-gateway'], ['/llm/gateway']])('lets the role read and decrypt %s/keys/* and %s/principals/*', async (prefix) => {
    const statements = Object.values(gatewayStatements((await buildTestGateway({ ssmPrefix: prefix })).template()));
    const parameter = (path: string) => `arn:aws:ssm:us-east-2:${DUMMY_ACCOUNT}:parameter${prefix}/${path}`;
    for (const path of ['keys/0123456789abcdef', 'principals/search']) {
      const readers = statements.filter((statement) => list(statement['Action']).includes('ssm:GetParametersByPath'));
      expect(readers.some((statement) => list(statement['Resource']).some((resource) => covers(resource, parameter(path))))).toBe(true);
      const decrypt = statements.find((statement) => list(statement['Action']).includes('kms:Decrypt'))!;
      const condition = decrypt['Condition'] as { StringEquals: Record<string, string>; StringLike: Record<string, unknown> };
      expect(condition.StringEquals['kms:ViaService']).toBe('ssm.us-east-2.amazonaws.com');
      expect(list(condition.StringLike['kms:EncryptionContext:PARAMETER_ARN']).some((pattern) => covers(pattern, parameter(path)))).toBe(true);
    }
    // ... and nothing outside the prefix.
    const decrypt = statements.find((statement) => list(statement['Action']).includes('kms:Decrypt'))!;
    const patterns = list((decrypt['Condition'] as { StringLike: Record<string, unknown> }).StringLike['kms:EncryptionContext:PARAMETER_ARN']);
    expect(patterns.some((pattern) => covers(pattern, `arn:aws:ssm:us-east-2:${DUMMY_ACCOUNT}:parameter/other-team/keys/x`))).toBe(false);
  });

  it('describes the URL output without calling an api_key URL public', async () => {
    const outputs = (await buildTestGateway({ authMode: 'api_key' })).template().findOutputs('FunctionUrl');
    const description = String(Object.values(outputs)[0]?.['Description']);
    expect(description).toContain('gateway API key');
    expect(description).not.toMatch(/public/i);
  });
});
