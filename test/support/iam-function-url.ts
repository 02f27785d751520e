import { fromResponse } from './answers.js';
/**
 * What an `AWS_IAM` function URL does before the function runs: verify the caller's SigV4 signature for service
 * `lambda` (payload hash included: function URLs require `x-amz-content-sha256` on requests with a body) and
 * report who signed as `requestContext.authorizer.iam`. Used by the Lambda runtime emulator's front and, wrapped
 * around the local server, for the local end-to-end tests.
 */
import type { ReceivedRequest } from '../../dev/mantle-simulator/sigv4-verifier.js';
import { sha256Hex, verifySigV4 } from '../../dev/mantle-simulator/sigv4-verifier.js';
import type { SimulatorCredentials } from '../../dev/mantle-simulator/types.js';
import type { Gateway } from '../../lambda/core/index.js';

/** A caller IAM knows: its credentials and the ARN Lambda reports for it. */
export interface IamIdentity extends SimulatorCredentials {
  readonly arn: string;
  readonly accountId: string;
}

export interface FunctionUrlIam {
  readonly region: string;
  readonly identities: readonly IamIdentity[];
}

/** `requestContext.authorizer.iam` as function URLs fill it. */
export interface IamAuthorizer {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly cognitoIdentity: null;
  readonly principalOrgId: null;
  readonly userArn: string;
  readonly userId: string;
}

export type IamVerdict = { ok: true; authorizer: IamAuthorizer } | { ok: false; reason: string };

export async function verifyFunctionUrlCaller(request: ReceivedRequest, iam: FunctionUrlIam): Promise<IamVerdict> {
  const authorization = request.headers['authorization'];
  if (!authorization) return { ok: false, reason: 'no Authorization header' };
  const declared = request.headers['x-amz-content-sha256'];
  if (request.body.length > 0 && declared === undefined) return { ok: false, reason: 'x-amz-content-sha256 is required with a body' };
  if (declared !== undefined && declared !== sha256Hex(request.body)) return { ok: false, reason: 'payload hash mismatch' };
  const verdict = await verifySigV4(request, authorization, { region: iam.region, credentials: iam.identities, service: 'lambda' });
  if (!verdict.ok) return { ok: false, reason: `${verdict.code}: ${verdict.message}` };
  const identity = iam.identities.find((candidate) => candidate.accessKeyId === verdict.accessKeyId)!;
  const userId = identity.arn.split(':').at(-1) ?? identity.arn;
  return {
    ok: true,
    authorizer: {
      accessKey: identity.accessKeyId,
      accountId: identity.accountId,
      callerId: userId,
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: identity.arn,
      userId,
    },
  };
}

/** The function URL's answer to a bad signature. */
export function forbidden(): Response {
  return new Response('{"Message":"Forbidden"}', { status: 403, headers: { 'content-type': 'application/json' } });
}

/**
 * The gateway behind an `AWS_IAM` check, for the local server: what Lambda would verify, then the gateway with the
 * verified ARN in its Invocation, exactly as the Lambda adapter passes it.
 */
export function behindIamFunctionUrl(gateway: Gateway, iam: FunctionUrlIam): Gateway {
  return async (request, invocation) => {
    const url = new URL(request.url);
    const body = Buffer.from(new Uint8Array(await request.arrayBuffer()));
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const verdict = await verifyFunctionUrlCaller({ method: request.method, rawPath: url.pathname, rawQuery: url.search.slice(1), headers, body }, iam);
    if (!verdict.ok) return fromResponse(forbidden());
    const forwarded = new Request(request.url, {
      method: request.method,
      headers,
      ...(body.length > 0 ? { body } : {}),
      signal: request.signal,
    });
    return gateway(forwarded, { requestId: invocation?.requestId ?? 'local', receivedAt: invocation?.receivedAt ?? performance.now(), iamCallerArn: verdict.authorizer.userArn });
  };
}
