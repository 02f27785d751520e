/** A request about to go to Mantle: built by the gateway, authorized by the provider's auth, sent by `send-upstream`. */
export interface UpstreamRequest {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names. Authorization adds to it; nothing else may. */
  readonly headers: Record<string, string>;
  /** Always buffered: SigV4 signs the body's SHA-256, and a stream would be sent as UNSIGNED-PAYLOAD. */
  readonly body: string | undefined;
}
