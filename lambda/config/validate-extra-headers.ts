import { IssueList, isDoc } from './document-reader.js';
import { reservedHeaderReason } from '../http/reserved-headers.js';
import type { ApiStyle } from './types.js';

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Printable ASCII and tab: no CR/LF, so a value can never smuggle a second header. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** The project header of each Mantle surface; the other surface's header would be ignored or misread. */
const FOREIGN_PROJECT_HEADER: Record<ApiStyle, string> = {
  mantle_openai_chat: 'anthropic-workspace',
  mantle_openai_responses: 'anthropic-workspace',
  mantle_anthropic_messages: 'openai-project',
};

/** Validates a route's `extra_headers`; returns them unchanged (names as written) when valid. */
export function validateExtraHeaders(
  value: unknown,
  apiStyle: ApiStyle,
  where: string,
  issues: IssueList,
): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isDoc(value)) {
    issues.add(where, 'extra_headers must be a mapping of header name to value');
    return undefined;
  }
  const before = issues.messages.length;
  const seen = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    const field = `extra_headers.${name}`;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) issues.add(where, `${field} is not a valid header name`);
    const reason = reservedHeaderReason(name);
    if (reason) issues.add(where, `${field} is not allowed: ${reason}`);
    if (lower === FOREIGN_PROJECT_HEADER[apiStyle]) {
      issues.add(where, `${field} does not apply to api_style ${apiStyle}`);
    }
    if (seen.has(lower)) issues.add(where, `${field} is set twice (header names are case-insensitive)`);
    seen.add(lower);
    if (typeof headerValue !== 'string' || !HEADER_VALUE.test(headerValue)) {
      issues.add(where, `${field} must be a single-line string`);
      continue;
    }
    headers[name] = headerValue;
  }
  return issues.messages.length === before ? headers : undefined;
}
