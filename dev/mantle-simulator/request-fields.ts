/**
 * Reading request bodies: field checks shared by the surfaces, worded as Mantle words its `validation_error`s.
 */
import { SimulatorError } from './errors.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads an optional non-negative integer field, rejecting anything else as the real APIs do. */
export function optionalCount(body: Record<string, unknown>, field: string): number | undefined | 'invalid' {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 'invalid';
}

export function requireModelField(body: Record<string, unknown>): string {
  const model = body['model'];
  if (typeof model !== 'string' || model === '') {
    throw new SimulatorError(400, 'model: field required', { code: 'validation_error', param: 'model' });
  }
  return model;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new SimulatorError(400, `${field}: expected a string`, { code: 'validation_error', param: field });
  }
  return value;
}
