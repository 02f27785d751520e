import type { SSMClient } from '@aws-sdk/client-ssm';

/** Where a command writes; the CLI passes process streams, tests pass collectors. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What the SSM commands share. */
export interface SsmTarget {
  readonly client: SSMClient;
  /** Normalized (`/mantle-gateway`, no trailing slash). */
  readonly prefix: string;
  /** For messages: `SSM /mantle-gateway in us-east-2`. */
  readonly label: string;
}
