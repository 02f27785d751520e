/**
 * Which API a caller speaks, and so which error envelope and in-band error events it gets: Messages callers
 * get Anthropic's, everyone else OpenAI's. Follows the operation, never the path prefix alone.
 */
export type ApiSurface = 'openai' | 'anthropic';
