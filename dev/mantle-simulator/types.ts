/**
 * Public types of the Mantle simulator. The gateway's tests and `npm run demo` code against exactly these,
 * so changes here are API changes.
 */

/** A SigV4 identity the simulator accepts. The secret is known to the simulator so it can recompute signatures. */
export interface SimulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests signed by this identity must carry the same `x-amz-security-token`. */
  sessionToken?: string;
}

/** The three API surfaces Mantle serves on one host. */
export type Surface = 'chat' | 'responses' | 'messages';

/** The two prefixes under which Mantle serves OpenAI-shaped APIs. */
export type OpenAIBasePath = '/v1' | '/openai/v1';

/**
 * A model the simulator serves. The surface is a property of the model (as on Mantle), so a known model on
 * another surface or base path is rejected with Mantle's "isn't supported on this route".
 */
export interface SimulatedModel {
  id: string;
  surfaces: Surface[];
  /** Where its chat/responses surfaces are served; ignored for `messages` (always `/anthropic/v1`). */
  openaiBasePaths: OpenAIBasePath[];
  /**
   * `adaptive_only`: like Claude Opus 4.7 and newer on Mantle, Messages accepts only `thinking: {"type":
   * "adaptive"}` (with `output_config.effort`); `enabled` and `disabled` get Mantle's 400.
   */
  thinking?: 'adaptive_only';
}

export interface SimulatorOptions {
  /** The one region this instance serves; a request signed for another region gets 403. */
  region: string;
  /** Accepted SigV4 identities. */
  credentials: SimulatorCredentials[];
  /** Accepted Bedrock API keys (`Authorization: Bearer` on all paths, or `x-api-key` on `/anthropic/` paths). */
  bearerTokens?: string[];
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** Delay between SSE events, so clients can observe a stream arriving piece by piece. @default 0 */
  pacingMs?: number;
  /** @default DEFAULT_MODELS */
  models?: SimulatedModel[];
  /**
   * Adds a synthetic chat model (on `/v1`) for benchmarks: a streaming request for it gets `bench.events` chunks
   * of `bench.event_bytes` bytes, `bench.pacing_ms` apart, each stamped with its send time (see bench-stream.ts).
   * @default none
   */
  benchStreamModel?: string;
}

/**
 * A scripted misbehaviour. Faults are matched in injection order against authenticated requests; the first
 * match is consumed (`times` answers, then it is removed).
 *
 * Stream semantics: headers (200) go out first, then `N` events, then the cut or stall.
 * Non-streaming answers count as one event: `N = 0` acts before the status line is sent (a reset connection or
 * a server that never answers), `N >= 1` sends the headers and half of the body first.
 */
export interface Fault {
  /** Exact path (without query) or a pattern tested against it. Absent: any path. */
  path?: string | RegExp;
  /** The request body's `model`. Absent: any model (and requests without one). */
  model?: string;
  /** @default 1 */
  times?: number;
  /** Answer with this status instead of the normal answer. */
  status?: number;
  /** Body for a `status` answer; an object is sent as JSON. Absent: the path's error envelope. */
  body?: string | object;
  /** Extra headers on a `status` answer. */
  headers?: Record<string, string>;
  /** Wait this long before sending headers. */
  delayMs?: number;
  /** Destroy the socket after this many SSE events. */
  cutAfterEvents?: number;
  /** Stop sending (keep the socket open) after this many SSE events. */
  stallAfterEvents?: number;
  /** Drop the connection before any answer (no status line): what a reset or a dead host looks like. */
  drop?: boolean;
  /**
   * Fail the stream in-band after this many SSE events, as Mantle does: `response.failed` (Responses), an
   * `error` event (Messages) or an `{"error":...}` chunk (Chat Completions), then end the stream.
   */
  failAfterEvents?: number;
}

/** One request as received, recorded before it is answered (rejected ones included). */
export interface RecordedRequest {
  method: string;
  /** Path as received, without the query. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
  /** The credential scope's region for SigV4 requests (even a wrong one), else the simulator's region. */
  region: string;
  /** The SigV4 access key id, 'bearer' for API keys, or 'anonymous' when no credentials were sent. */
  identity: string;
  /** The client closed the connection before the answer was complete (not a cut the simulator made itself). */
  abortedByClient: boolean;
}

export interface MantleSimulator {
  /** e.g. `http://127.0.0.1:54321` */
  readonly url: string;
  readonly region: string;
  /** Every request received, including rejected ones. */
  readonly requests: RecordedRequest[];
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Closes the server and destroys all open sockets, so tests never wait for idle keep-alive or stalled streams. */
  close(): Promise<void>;
}
