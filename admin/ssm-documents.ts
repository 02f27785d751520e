/**
 * The admin CLI's side of the SSM layout (`lambda/config-store/parameter-layout.ts`): reading every document
 * parameter under a prefix, writing one, deleting some. Uses the AWS SDK directly: the default credential chain,
 * and `AWS_ENDPOINT_URL_SSM` when set (a local SSM-compatible server, a VPC endpoint).
 */
import {
  DeleteParametersCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath,
  type ParameterType,
} from '@aws-sdk/client-ssm';
import { DOCUMENT_KINDS, parseParameterName } from '../lambda/config-store/parameter-layout.js';

export interface LiveParameter {
  readonly value: string;
  readonly type: ParameterType;
}

/** @param region undefined lets the SDK find one (AWS_REGION, the profile); the CLI reports when none is set. */
export function createSsmClient(region: string | undefined): SSMClient {
  return new SSMClient(region ? { region } : {});
}

/**
 * The provider and model parameters under the prefix, by full name, SecureStrings decrypted. Only their two
 * sub-paths are read: everything else under the prefix (gateway API keys, a SecureString bearer token) is none of
 * the route commands' business, and reading it would decrypt it, and fail on a key the admin may not use.
 */
export async function readLiveParameters(client: SSMClient, prefix: string): Promise<Map<string, LiveParameter>> {
  const live = new Map<string, LiveParameter>();
  for (const kind of DOCUMENT_KINDS) {
    const pages = paginateGetParametersByPath({ client }, { Path: `${prefix}/${kind}`, Recursive: false, WithDecryption: true });
    for await (const page of pages) {
      for (const parameter of page.Parameters ?? []) {
        if (!parameter.Name || parameter.Value === undefined || !parseParameterName(prefix, parameter.Name)) continue;
        live.set(parameter.Name, { value: parameter.Value, type: parameter.Type ?? 'String' });
      }
    }
  }
  return live;
}

/**
 * Writes one document. `Intelligent-Tiering` keeps a document on the free standard tier up to 4 KB and moves it
 * to the advanced tier only when it needs up to 8 KB. A SecureString stays one.
 */
export async function putDocument(
  client: SSMClient,
  name: string,
  value: string,
  existing: LiveParameter | undefined,
): Promise<void> {
  await client.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: existing?.type === 'SecureString' ? 'SecureString' : 'String',
      Tier: 'Intelligent-Tiering',
      // Refuse to replace a parameter someone created since we read: the plan we printed would be wrong.
      Overwrite: existing !== undefined,
    }),
  );
}

/** SSM's limit of names per `DeleteParameters` call. */
export const DELETE_BATCH_SIZE = 10;

export interface DeletedBatch {
  /** Names SSM deleted. */
  readonly deleted: readonly string[];
  /** Names SSM no longer had (`InvalidParameters`): deleted by someone else since they were read. */
  readonly missing: readonly string[];
}

/** One `DeleteParameters` call, for at most {@link DELETE_BATCH_SIZE} names. */
export async function deleteBatch(client: SSMClient, names: readonly string[]): Promise<DeletedBatch> {
  const result = await client.send(new DeleteParametersCommand({ Names: [...names] }));
  const missing = result.InvalidParameters ?? [];
  return { deleted: result.DeletedParameters ?? names.filter((name) => !missing.includes(name)), missing };
}

/** Deletes parameters, ten per call. @returns the names SSM no longer had */
export async function deleteDocuments(client: SSMClient, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (let start = 0; start < names.length; start += DELETE_BATCH_SIZE) {
    missing.push(...(await deleteBatch(client, names.slice(start, start + DELETE_BATCH_SIZE))).missing);
  }
  return missing;
}
