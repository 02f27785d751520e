/**
 * The Chat Completions bridge, answer side (not streamed): a Responses `response` object as a `chat.completion`.
 * Output text and function calls become `choices[0].message`; `id` and `created` come from the response, `model`
 * is what Mantle reports. The finish reason and usage mapping here serve the streamed translation too.
 */

type Json = unknown;
type Obj = Record<string, Json>;

/**
 * `tool_calls` when the answer ends in function calls; else `stop` for `completed`, `length` for `incomplete`
 * with `max_output_tokens`, `content_filter` for `incomplete` with `content_filter`.
 */
export function finishReason(response: Obj, endsInToolCalls: boolean): string {
  if (endsInToolCalls) return 'tool_calls';
  if (response['status'] !== 'incomplete') return 'stop';
  const details = response['incomplete_details'];
  const reason = isRecord(details) ? details['reason'] : undefined;
  return reason === 'content_filter' ? 'content_filter' : reason === 'max_output_tokens' ? 'length' : 'stop';
}

/** Responses usage in Chat's names, with cached and reasoning tokens; `undefined` when Mantle sent none. */
export function chatUsage(usage: Json): Obj | undefined {
  if (!isRecord(usage)) return undefined;
  const input = count(usage['input_tokens']);
  const output = count(usage['output_tokens']);
  const inputDetails = usage['input_tokens_details'];
  const outputDetails = usage['output_tokens_details'];
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: typeof usage['total_tokens'] === 'number' ? usage['total_tokens'] : input + output,
    prompt_tokens_details: { cached_tokens: isRecord(inputDetails) ? count(inputDetails['cached_tokens']) : 0 },
    completion_tokens_details: { reasoning_tokens: isRecord(outputDetails) ? count(outputDetails['reasoning_tokens']) : 0 },
  };
}

/** Whether the last output item that says something (reasoning aside) is a function call. */
export function endsInFunctionCall(output: readonly Json[]): boolean {
  for (let index = output.length - 1; index >= 0; index--) {
    const item = output[index];
    if (!isRecord(item) || item['type'] === 'reasoning') continue;
    return item['type'] === 'function_call';
  }
  return false;
}

/** @example chatCompletionFromResponse(JSON.parse(await response.text())) */
export function chatCompletionFromResponse(response: Obj): Obj {
  const output = Array.isArray(response['output']) ? response['output'] : [];
  let content = '';
  let refusal = '';
  const toolCalls: Obj[] = [];
  for (const item of output) {
    if (!isRecord(item)) continue;
    if (item['type'] === 'function_call') {
      toolCalls.push({ id: item['call_id'], type: 'function', function: { name: item['name'], arguments: item['arguments'] ?? '' } });
    } else if (item['type'] === 'message' && Array.isArray(item['content'])) {
      for (const part of item['content']) {
        if (isRecord(part) && part['type'] === 'output_text' && typeof part['text'] === 'string') content += part['text'];
        if (isRecord(part) && part['type'] === 'refusal' && typeof part['refusal'] === 'string') refusal += part['refusal'];
      }
    }
  }
  const message: Obj = {
    role: 'assistant',
    content: content === '' && (toolCalls.length > 0 || refusal !== '') ? null : content,
    refusal: refusal === '' ? null : refusal,
    annotations: [],
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  const usage = chatUsage(response['usage']);
  return {
    id: response['id'],
    object: 'chat.completion',
    created: response['created_at'],
    model: response['model'],
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(response, endsInFunctionCall(output)) }],
    ...(usage ? { usage } : {}),
    ...(typeof response['service_tier'] === 'string' ? { service_tier: response['service_tier'] } : {}),
    system_fingerprint: null,
  };
}

function count(value: Json): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function isRecord(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
