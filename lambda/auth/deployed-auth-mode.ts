import type { CallerAuthMode } from './authenticate.js';

/**
 * The deployed function's caller auth, from `GATEWAY_AUTH_MODE` (the CDK app sets it from the `authMode` deploy
 * setting, next to the function URL's auth type). Anything but `iam` means `api_key`: a missing or mistyped value
 * must never leave a function open, and `none` is not a deployed mode.
 */
export function deployedAuthMode(value: string | undefined, log: { warn(message: string, details: Record<string, unknown>): void }): Exclude<CallerAuthMode, 'none'> {
  if (value === 'iam' || value === 'api_key') return value;
  log.warn('GATEWAY_AUTH_MODE is not api_key or iam; requiring gateway API keys', { value: value ?? null });
  return 'api_key';
}
