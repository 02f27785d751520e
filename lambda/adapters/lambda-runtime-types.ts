import type { Writable } from 'node:stream';

/**
 * The parts of the Lambda Node.js runtime's `awslambda` global the gateway uses (typed globally by
 * @types/aws-lambda). Only the Lambda entry point touches the global; the adapter receives these as parameters so
 * tests can pass a fake.
 */
export interface ResponseStreamPrelude {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
}

export interface HttpResponseStreamFactory {
  /** Wraps the response stream so the first `write()` sends the prelude (JSON + 8 NUL bytes) before the body. */
  from(responseStream: Writable, prelude: ResponseStreamPrelude): Writable;
}

/** Function URL event, payload format 2.0 (the fields the gateway reads). */
export interface FunctionUrlEvent {
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: {
    readonly domainName?: string;
    readonly requestId?: string;
    readonly http: { readonly method: string; readonly path?: string; readonly sourceIp?: string };
    /** Present with URL auth `AWS_IAM`: the caller Lambda verified. */
    readonly authorizer?: { readonly iam?: { readonly userArn?: string; readonly accountId?: string; readonly callerId?: string } };
  };
}

export interface LambdaContextLike {
  readonly awsRequestId: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?(): number;
}

export type StreamingHandler = (event: FunctionUrlEvent, responseStream: Writable, context: LambdaContextLike) => Promise<void>;
