/**
 * The admin CLI's write of the revision marker (`<prefix>/revision`): after a command has changed documents
 * (`push`, the `keys` and `principals` commands), a new marker value tells every running gateway to re-read them
 * at its next check, within one TTL. Written after the documents, so a gateway that sees the new marker sees the
 * change; without it the change would wait for the safety-net full read (docs/adr/0004-revision-marker-freshness.md).
 */
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { newRevisionToken, revisionParameterName } from '../lambda/config-store/parameter-layout.js';
import type { DocumentChange } from './change-plan.js';

/**
 * Writes a new marker value. `Standard` tier and `String` type: the marker is small and never secret.
 * @param origin who changed the documents, kept in the value for people (`push`, `keys`)
 * @returns the value written
 */
export async function updateRevisionMarker(client: SSMClient, prefix: string, origin: string): Promise<string> {
  const value = newRevisionToken(origin);
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

/** After a push: a new marker value when the push wrote or deleted a document, none when nothing changed. */
export async function markPushedRevision(client: SSMClient, prefix: string, changes: readonly DocumentChange[], pruned: boolean): Promise<void> {
  const wrote = changes.some((change) => change.status === 'added' || change.status === 'changed' || (pruned && change.status === 'removed'));
  if (wrote) await updateRevisionMarker(client, prefix, 'push');
}
