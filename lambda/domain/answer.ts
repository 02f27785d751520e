/**
 * What the gateway answers, as it passes from the upstream transport through the attempt, watch, compat and
 * record stages to an adapter: a status, lower-case headers and a body. It replaces the web `Response` inside the
 * request path, whose construction, `Headers` copies and web-stream reads cost more per request than the rest of
 * the stages together (docs/adr/0012).
 */

/**
 * A body read one chunk at a time, and only as fast as it is read: the source pauses while nobody asks.
 * Each stage that looks at the chunks wraps `read`; nothing is queued in between.
 */
export interface ChunkSource {
  /** The next chunk, or undefined at the end. Rejects when the body broke before its end. */
  read(): Promise<Uint8Array | undefined>;
  /** The reader is done with it (the caller left, or the gateway gave up): stops the source. Idempotent. */
  cancel(): void;
}

/** An answer's body: absent, whole (JSON the gateway made or translated), or streamed. */
export type AnswerBody = string | Uint8Array | ChunkSource | undefined;

/** Lower-case names. */
export type AnswerHeaders = Record<string, string>;

export interface Answer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: AnswerBody;
}

export function isChunkSource(body: AnswerBody): body is ChunkSource {
  return typeof body === 'object' && !(body instanceof Uint8Array);
}

/** A JSON answer the gateway made (model lists, errors, translated completions). */
export function jsonAnswer(status: number, json: string, headers: AnswerHeaders = {}): Answer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: json };
}

/** Stops a body nobody will read (a failed attempt's, an answer passed over); whole bodies need nothing. */
export function discardBody(answer: Answer | undefined): void {
  if (answer && isChunkSource(answer.body)) answer.body.cancel();
}

/** The whole body as text: for the few answers the gateway reads whole (a bridged completion, tests). */
export async function readText(body: AnswerBody): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const chunks: Uint8Array[] = [];
  for (let chunk = await body.read(); chunk !== undefined; chunk = await body.read()) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
