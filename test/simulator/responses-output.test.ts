/** The Responses shapes a Chat bridge must handle, as the simulator produces them for the official client. */
import OpenAI from 'openai';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { API_KEY, startTestSimulator } from './helpers.js';

describe('simulated Responses output: function calls, incomplete answers, usage details', () => {
  let sim: MantleSimulator;
  let openai: OpenAI;
  beforeAll(async () => {
    sim = await startTestSimulator();
    openai = new OpenAI({ apiKey: API_KEY, baseURL: `${sim.url}/openai/v1`, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  const model = 'openai.gpt-5.5';
  const lookup: OpenAI.Responses.FunctionTool = { type: 'function', name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } } }, strict: false };
  const clock: OpenAI.Responses.FunctionTool = { type: 'function', name: 'clock', parameters: { type: 'object', properties: {} }, strict: false };

  it('calls the tools the user names, with arguments from the schema', async () => {
    const response = await openai.responses.create({ model, input: 'please lookup and clock', tools: [lookup, clock] });
    const calls = response.output.filter((item) => item.type === 'function_call');
    expect(calls.map((call) => call.name)).toEqual(['lookup', 'clock']);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ query: 'please lookup and clock', limit: 1 });
    expect(calls[0]!.call_id).toMatch(/^call_/);
    expect(response.status).toBe('completed');
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('calls only one with parallel_tool_calls false, none with tool_choice none, the first with required', async () => {
    const one = await openai.responses.create({ model, input: 'lookup and clock', tools: [lookup, clock], parallel_tool_calls: false });
    expect(one.output.filter((item) => item.type === 'function_call')).toHaveLength(1);
    const none = await openai.responses.create({ model, input: 'lookup', tools: [lookup], tool_choice: 'none' });
    expect(none.output_text).toBe('Echo: lookup');
    const required = await openai.responses.create({ model, input: 'anything', tools: [clock, lookup], tool_choice: 'required' });
    expect(required.output.map((item) => item.type === 'function_call' && item.name)).toEqual(['clock']);
  });

  it('answers a function_call_output with its content', async () => {
    const response = await openai.responses.create({
      model,
      tools: [lookup],
      input: [
        { role: 'user', content: 'lookup the answer' },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: '42' },
      ],
    });
    expect(response.output_text).toBe('Echo: 42');
  });

  it('streams function call arguments in deltas that add up to the arguments', async () => {
    const stream = await openai.responses.create({ model, input: 'lookup now', tools: [lookup], stream: true });
    let args = '';
    let deltas = 0;
    let done = '';
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') {
        args += event.delta;
        deltas++;
      }
      if (event.type === 'response.function_call_arguments.done') done = event.arguments;
    }
    expect(deltas).toBeGreaterThan(2);
    expect(args).toBe(done);
    expect(JSON.parse(args)).toEqual({ query: 'lookup now', limit: 1 });
  });

  it.each([
    ['max_output_tokens', { input: 'one two three four', max_output_tokens: 2 }],
    ['content_filter', { input: 'say [content_filter] words here' }],
  ])('ends incomplete with reason %s', async (reason, params) => {
    const response = await openai.responses.create({ model, ...params });
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
    const stream = await openai.responses.create({ model, ...params, stream: true });
    let last = '';
    for await (const event of stream) last = event.type;
    expect(last).toBe('response.incomplete');
  });

  it('answers JSON that follows a json_schema format, and an echo object for json_object', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, count: { type: 'integer' }, tags: { type: 'array' } } };
    const structured = await openai.responses.create({ model, input: 'name it', text: { format: { type: 'json_schema', name: 'r', schema } } });
    expect(JSON.parse(structured.output_text)).toEqual({ title: 'name it', count: 1, tags: [] });
    const object = await openai.responses.create({ model, input: 'as json', text: { format: { type: 'json_object' } } });
    expect(JSON.parse(object.output_text)).toEqual({ echo: 'as json' });
  });

  it('reports cached and reasoning tokens, with a reasoning item first', async () => {
    const response = await openai.responses.create({ model, input: 'x'.repeat(40), reasoning: { effort: 'medium' }, prompt_cache_key: 'k' });
    expect(response.output[0]?.type).toBe('reasoning');
    expect(response.usage).toMatchObject({ input_tokens: 10, input_tokens_details: { cached_tokens: 5 }, output_tokens_details: { reasoning_tokens: 8 } });
    expect(response.usage!.output_tokens).toBe(2 + 8);
  });
});
