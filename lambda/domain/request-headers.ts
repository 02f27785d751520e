/**
 * A caller's request headers as the gateway reads them: by lower-case name, repeated ones joined with `, `.
 * A web `Headers` is one (tests pass `new Request(...)`); the adapters pass a lighter map (`adapters/inbound-headers.ts`).
 */
export interface RequestHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}
