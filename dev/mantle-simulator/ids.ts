/**
 * Identifier formats as Mantle emits them. Random rather than derived from input: real ids are unique per call,
 * and the gateway must not be able to rely on anything else.
 */
import { randomBytes } from 'node:crypto';

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** `x-amzn-requestid` value; Mantle uses `req_` + lower-case base32. */
export function newRequestId(): string {
  return `req_${randomFrom(BASE32_LOWER, 26)}`;
}

/** Responses API id: `resp_` + 52 base32 characters, carrying no region. */
export function newResponseId(): string {
  return `resp_${randomFrom(BASE32_LOWER, 52)}`;
}

/** Output item id inside a Responses `response`. */
export function newOutputItemId(): string {
  return `msg_${randomBytes(24).toString('hex')}`;
}

/** Anthropic message id as Bedrock issues it. */
export function newMessageId(): string {
  return `msg_bdrk_01${randomFrom(ALPHANUMERIC, 22)}`;
}

export function newChatCompletionId(): string {
  return `chatcmpl-${randomBytes(16).toString('hex')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
