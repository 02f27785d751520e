/**
 * The SSM Parameter Store reads the Lambda makes, and nothing more: `GetParameter` (the revision marker, a
 * SecureString bearer token) and `GetParametersByPath` (every document of a sub-path, all pages), each with or
 * without decryption. The admin CLI and the CDK app use the AWS SDK's full client; the gateway needs these two
 * operations, and the SDK client's module graph cost most of the bundle's init time (docs/adr/0008-lean-lambda-bundle.md).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { MantleSigner, type CredentialProvider } from '../upstream/sigv4.js';
import { AwsJsonClient, type AwsJsonClientOptions } from './aws-json-client.js';

/** What the route store and the SecureString reader need from Parameter Store. */
export interface SsmReader {
  /** The parameter's value (decrypted if asked), or undefined when it does not exist. */
  getParameter(name: string, options: { readonly decrypt: boolean }): Promise<string | undefined>;
  /**
   * Every parameter under `path`, every page, by name relative to the path (`<path>/a` is `a`; with `recursive`,
   * `<path>/a/b` is `a/b`).
   */
  getParametersByPath(path: string, options: { readonly decrypt: boolean; readonly recursive: boolean }): Promise<Map<string, string>>;
}

export interface SsmClientOptions extends Partial<Omit<AwsJsonClientOptions, 'service' | 'targetPrefix' | 'signer'>> {
  /** @default the AWS default credential chain (in the Lambda bundle, the environment: lambda/lambda-credentials.ts) */
  readonly credentials?: CredentialProvider;
}

/**
 * @example
 * const ssm = new SsmClient();
 * const revision = await ssm.getParameter('/mantle-gateway/revision', { decrypt: false });
 */
export class SsmClient implements SsmReader {
  private readonly client: AwsJsonClient;

  constructor(options: SsmClientOptions = {}) {
    const { credentials, ...rest } = options;
    const signer = new MantleSigner(credentials ?? defaultProvider(), undefined, 'ssm');
    this.client = new AwsJsonClient({ ...rest, service: 'ssm', targetPrefix: 'AmazonSSM', signer });
  }

  async getParameter(name: string, options: { readonly decrypt: boolean }): Promise<string | undefined> {
    try {
      const answer = await this.client.call('GetParameter', { Name: name, WithDecryption: options.decrypt });
      return valueOf(answer['Parameter']);
    } catch (error) {
      if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  async getParametersByPath(path: string, options: { readonly decrypt: boolean; readonly recursive: boolean }): Promise<Map<string, string>> {
    const base = path.endsWith('/') ? path : `${path}/`;
    const values = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const answer = await this.client.call('GetParametersByPath', {
        Path: path,
        Recursive: options.recursive,
        // No MaxResults: SSM's default page is its largest, 10.
        WithDecryption: options.decrypt,
        ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
      });
      const parameters = Array.isArray(answer['Parameters']) ? (answer['Parameters'] as unknown[]) : [];
      for (const parameter of parameters) {
        const name = (parameter as { Name?: unknown }).Name;
        const value = valueOf(parameter);
        if (typeof name === 'string' && name.startsWith(base) && value !== undefined) values.set(name.slice(base.length), value);
      }
      nextToken = typeof answer['NextToken'] === 'string' && answer['NextToken'] !== '' ? answer['NextToken'] : undefined;
    } while (nextToken !== undefined);
    return values;
  }
}

function valueOf(parameter: unknown): string | undefined {
  const value = (parameter as { Value?: unknown } | undefined)?.Value;
  return typeof value === 'string' ? value : undefined;
}
