/**
 * The revision marker's updater, a function of its own: the stack's EventBridge rule invokes it for each
 * Parameter Store change under the layout's sub-paths (an admin's `aws ssm put-parameter`, the console), and it
 * writes a new value to `<prefix>/revision`, so every running gateway re-reads its documents at its next check.
 * The rule never matches the marker itself, so the write does not trigger the function again.
 *
 * Environment: `GATEWAY_REVISION_PARAMETER`, the marker's full name. Its role may write that one parameter.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { newRevisionToken } from '../config-store/parameter-layout.js';

/** What the handler reads of an `aws.ssm` "Parameter Store Change" event. */
export interface ParameterStoreChangeEvent {
  readonly id?: string;
  readonly detail?: { readonly name?: string; readonly operation?: string };
}

// A burst of edits (a console session, a script) is a burst of events; PutParameter's own quota is a few TPS,
// so throttled writes are retried longer than the SDK's default. A failure left is retried by Lambda's async queue.
const client = new SSMClient({ maxAttempts: 8 });

export async function handler(event: ParameterStoreChangeEvent): Promise<{ readonly marker: string; readonly value: string }> {
  const marker = process.env['GATEWAY_REVISION_PARAMETER'];
  if (!marker) throw new Error('GATEWAY_REVISION_PARAMETER is not set');
  const value = newRevisionToken('event');
  await client.send(new PutParameterCommand({ Name: marker, Value: value, Type: 'String', Tier: 'Standard', Overwrite: true }));
  console.log(
    JSON.stringify({
      level: 'INFO',
      message: 'Revision marker updated after a Parameter Store change',
      changed: event.detail?.name,
      operation: event.detail?.operation,
      eventId: event.id,
      marker,
      value,
    }),
  );
  return { marker, value };
}
