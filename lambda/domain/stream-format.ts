/**
 * The streaming format a caller reads, which decides the shape of an in-band error event. It is the caller's
 * operation (a Chat Completions caller reads chat chunks even when a bridge serves it from a Responses route),
 * never the upstream route's api_style.
 */
export type StreamFormat = 'chat' | 'responses' | 'messages';
