/**
 * The admin CLI's write of the revision marker (`<prefix>/revision`): after a command has changed documents
 * (the `keys` and `principals` commands), a new marker value tells every running gateway to re-read them at its
 * next check, within one TTL. Written after the documents, so a gateway that sees the new marker sees the change.
 */
import { randomBytes } from 'node:crypto';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { revisionParameterName } from '../lambda/config-store/parameter-layout.js';

/**
 * Writes a new marker value (`String`, `Standard`, overwritten): when, which writer, and random bits so two
 * writes in the same millisecond still differ. Only inequality matters to the store.
 * @returns the value written
 */
export async function updateRevisionMarker(client: SSMClient, prefix: string, origin: string): Promise<string> {
  const value = `${new Date().toISOString()} ${origin} ${randomBytes(4).toString('hex')}`;
  await client.send(
    new PutParameterCommand({
      Name: revisionParameterName(prefix),
      Value: value,
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
      Description: 'mantle-gateway revision marker: changes whenever a document under the prefix does',
    }),
  );
  return value;
}
