import { readInferenceBody } from '../../lambda/core/read-request-body.js';
import { InvalidRequestError } from '../../lambda/domain/errors.js';

function post(body: Uint8Array<ArrayBuffer> | string): Request {
  return new Request('http://gateway.test/v1/chat/completions', { method: 'POST', body });
}

async function rejection(body: Uint8Array<ArrayBuffer> | string): Promise<InvalidRequestError> {
  const error = await readInferenceBody(post(body), 'chat_completions').then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidRequestError);
  return error as InvalidRequestError;
}

const bytes = (...parts: Array<string | number[]>): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part)))));

describe('readInferenceBody', () => {
  it('keeps a valid body as sent, non-ASCII text included', async () => {
    const text = '{"model":"m","messages":[{"role":"user","content":"héllo 世界 🙂"}],"n":1.50}';
    const body = await readInferenceBody(post(text), 'chat_completions');
    expect(body.text).toBe(text);
    expect(body.model).toBe('m');
    expect(body.modelFields.spans).toHaveLength(1);
  });

  it.each([
    ['FF FE C3 inside a string', bytes('{"model":"m","x":"', [0xff, 0xfe, 0xc3], '"}')],
    ['a truncated sequence at the end of a string', bytes('{"model":"m","x":"', [0xe4, 0xb8], '"}')],
    ['an encoded surrogate (CESU-8)', bytes('{"model":"m","x":"', [0xed, 0xa0, 0x80], '"}')],
    ['an overlong encoding', bytes('{"model":"m","x":"', [0xc0, 0xaf], '"}')],
  ])('rejects %s with 400 invalid_encoding', async (_name, body) => {
    const error = await rejection(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_encoding');
    expect(error.message).toContain('UTF-8');
  });

  it('rejects a top-level case variant of model before looking at the model', async () => {
    const error = await rejection('{"MODEL":"openai.gpt-5.5","model":"gpt-oss-120b"}');
    expect(error).toMatchObject({ code: 'invalid_model', param: 'model' });
    expect(error.message).toContain('"MODEL"');
  });

  it.each([
    ['not JSON', 'nope', 'invalid_json'],
    ['an array', '[1]', 'invalid_json'],
    ['no model', '{"messages":[]}', 'invalid_model'],
    ['an empty model', '{"model":""}', 'invalid_model'],
  ])('rejects %s', async (_name, body, code) => {
    expect((await rejection(body)).code).toBe(code);
  });
});
