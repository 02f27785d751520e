/**
 * Keeps secrets out of log lines: a JSON replacer for the Powertools logger, and for a request record line that
 * {@link mayHoldSecret} flags (request-record-writer.ts). Keys that name a secret (authorization headers, API keys,
 * SigV4 and AWS credential fields) lose their value, and strings that carry one (a Bearer token, a SigV4
 * Authorization value or presigned query, an access key id, a gateway key's secret) are masked, wherever they
 * appear in a line.
 */
const SECRET_KEY_NAMES =
  '(?:authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|cookie|set-cookie|password|passphrase|token|access[-_]?token|bearer[-_]?token|session[-_]?token|security[-_]?token|x-amz-security-token|x-amz-signature|x-amz-credential|signature|credentials?|secret|secret[-_]?access[-_]?key|access[-_]?key[-_]?id|aws[-_]?secret[-_]?access[-_]?key|aws[-_]?session[-_]?token|aws[-_]?bearer[-_]?token[-_]?bedrock|private[-_]?key)';
const SECRET_KEY = new RegExp(`^${SECRET_KEY_NAMES}$`, 'i');

/** One cheap test before any replacement: most strings in a line contain none of these. */
const MAYBE_SECRET = /bearer|aws4-hmac|x-amz-|akia|asia|sk-|mgw_|credential=|signature=/i;

/**
 * For {@link mayHoldSecret}, on lower-cased JSON (case-sensitive matching is cheaper than `i`): a token of
 * {@link MAYBE_SECRET}, or a secret-named key as compact JSON writes it (`"token":`; inside a string value it
 * would read `\"token\":`, which the replacer keeps anyway).
 */
const MAYBE_SECRET_IN_JSON = new RegExp(`${MAYBE_SECRET.source}|"${SECRET_KEY_NAMES}":`);

const MASKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bBearer\s+[^\s",;]+/gi, 'Bearer [redacted]'],
  [/AWS4-HMAC-SHA256\s+Credential=[^"]*/g, 'AWS4-HMAC-SHA256 [redacted]'],
  [/\b(X-Amz-(?:Signature|Credential|Security-Token))=[^&\s"]+/gi, '$1=[redacted]'],
  [/\b(Credential|Signature)=[^,\s"]+/g, '$1=[redacted]'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{12,20}\b/g, '[redacted access key id]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, '[redacted key]'],
  // Gateway API keys (mgw_<id>_<secret>): the id identifies the caller, the secret never shows.
  [/\b(mgw_[A-Za-z0-9]+)_[A-Za-z0-9]+/g, '$1_[redacted]'],
];

export const REDACTED = '[redacted]';

/** The logger's `jsonReplacerFn`. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  return typeof value === 'string' ? redactText(value) : value;
}

/** Masks the secrets a free text may carry. */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let masked = text;
  for (const [pattern, replacement] of MASKS) masked = masked.replace(pattern, replacement);
  return masked;
}

/**
 * False when serializing with {@link redactingReplacer} would change nothing in `json` (compact JSON of plain data):
 * no key names a secret and no string holds one of the tokens {@link redactText} looks for. The tokens are plain
 * ASCII, which JSON writes unescaped, so a string that holds one shows it in the JSON too. True says "maybe"
 * (a false alarm only costs the replacer). Lets a writer serialize without the replacer on the common path.
 */
export function mayHoldSecret(json: string): boolean {
  return MAYBE_SECRET_IN_JSON.test(json.toLowerCase());
}
