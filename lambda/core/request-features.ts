import type { CapabilityName } from '../config/types.js';
import type { InferenceOperation } from './endpoints.js';

/** The optional capabilities a request body uses, in the order they are reported when a route lacks one. */
export type FeatureName = Extract<CapabilityName, 'stream' | 'tools' | 'vision' | 'json_schema'>;

type Body = Record<string, unknown>;

/**
 * Reads which optional capabilities a request uses, per surface, so a route that declares one `false` answers
 * a clear 400 before any upstream call. Looks only where each API puts them; unknown shapes count as unused.
 */
export function requestedFeatures(operation: InferenceOperation, body: Body): FeatureName[] {
  const features: FeatureName[] = [];
  if (body['stream'] === true && operation !== 'count_tokens') features.push('stream');
  if (Array.isArray(body['tools']) && body['tools'].length > 0) features.push('tools');
  else if (operation === 'chat_completions' && Array.isArray(body['functions']) && body['functions'].length > 0) features.push('tools');
  if (usesImages(operation, body)) features.push('vision');
  if (usesJsonSchema(operation, body)) features.push('json_schema');
  return features;
}

function usesImages(operation: InferenceOperation, body: Body): boolean {
  switch (operation) {
    case 'chat_completions':
      return someContentPart(body['messages'], (part) => part['type'] === 'image_url');
    case 'responses_create':
      return someContentPart(body['input'], (part) => part['type'] === 'input_image');
    case 'messages':
    case 'count_tokens':
      return someContentPart(body['messages'], (part) => part['type'] === 'image' || isImageToolResult(part));
  }
}

function usesJsonSchema(operation: InferenceOperation, body: Body): boolean {
  switch (operation) {
    case 'chat_completions':
      return typeOf(body['response_format']) === 'json_schema';
    case 'responses_create':
      return isRecord(body['text']) && typeOf(body['text']['format']) === 'json_schema';
    case 'messages':
    case 'count_tokens':
      return isRecord(body['output_config']) && body['output_config']['format'] !== undefined;
  }
}

/** Visits the content parts of chat messages, Responses input items or Anthropic messages. */
function someContentPart(items: unknown, test: (part: Body) => boolean): boolean {
  if (!Array.isArray(items)) return false;
  return items.some((item) => {
    if (!isRecord(item)) return false;
    if (test(item)) return true; // Responses input may hold a bare input_image item
    const content = item['content'];
    return Array.isArray(content) && content.some((part) => isRecord(part) && test(part));
  });
}

function isImageToolResult(part: Body): boolean {
  return part['type'] === 'tool_result' && Array.isArray(part['content']) && part['content'].some((inner) => isRecord(inner) && inner['type'] === 'image');
}

function typeOf(value: unknown): unknown {
  return isRecord(value) ? value['type'] : undefined;
}

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
