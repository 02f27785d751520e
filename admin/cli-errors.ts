/**
 * Turns whatever went wrong into the one line an admin needs (or, for an invalid config, the validator's list),
 * never a stack trace.
 */
import { ConfigValidationError } from '../lambda/config/validate.js';

/** A problem the CLI found itself, already worded for the admin. `usage` errors exit with 2, others with 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly usage = false,
    /** The process exit code. @default 2 for a usage error, else 1 */
    readonly exitCode = usage ? 2 : 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A `node:util` parseArgs failure (unknown option, missing value) as a one-line usage error. */
export function argumentError(error: unknown): CliError {
  const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
  return new CliError(message.replace(/\.$/, ''), true);
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

const CREDENTIAL_REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
]);

/** @returns the text to print after `mantle-gateway: ` (one line, except the validator's list of issues) */
export function explainError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof ConfigValidationError) return error.message;
  // Duck-typed: errors from Node's own modules may come from another realm (a test sandbox, a worker).
  if (!isErrorLike(error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const path = (error as { path?: unknown }).path;
  if (typeof code === 'string' && typeof path === 'string' && FILE_ERRORS[code]) {
    return `cannot read ${path}: ${FILE_ERRORS[code]}`;
  }
  return explainAwsError(error, typeof code === 'string' ? code : undefined) ?? firstLine(error.message);
}

function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function explainAwsError(error: Error, code: string | undefined): string | undefined {
  if (error.name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) {
    return 'no AWS credentials found: configure the default credential chain (AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
  }
  if (/Region is missing/i.test(error.message)) return 'no AWS region: pass --region (or set AWS_REGION)';
  if (error.name === 'AccessDeniedException') return `access denied by SSM: ${firstLine(error.message)}`;
  if (CREDENTIAL_REJECTED.has(error.name)) return `AWS rejected the credentials (${error.name}): ${firstLine(error.message)}`;
  if (error.name === 'ThrottlingException') return 'SSM is throttling requests, even after retries; try again in a moment';
  if (error.name === 'ParameterAlreadyExists') {
    return 'a parameter was created by someone else since this command read SSM; run diff again and retry';
  }
  if (code && NETWORK_CODES.has(code)) {
    const endpoint = process.env['AWS_ENDPOINT_URL_SSM'] ?? process.env['AWS_ENDPOINT_URL'];
    return `could not reach SSM${endpoint ? ` at ${endpoint}` : ''} (${code})`;
  }
  if ('$metadata' in error) return `SSM answered ${error.name}: ${firstLine(error.message)}`;
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
