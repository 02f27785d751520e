import { createObservability } from '../../lambda/observe/observability.js';
import { mayHoldSecret, redactText, redactingReplacer } from '../../lambda/observe/redact.js';
import type { RequestRecord } from '../../lambda/observe/request-record.js';
import { CapturedOutput } from '../support/captured-output.js';

const CANARY = 'canary-9d8c7b6a5f4e3d2c1b0a';

describe('redaction in log lines', () => {
  it('drops the values of secret-named fields, at any depth, whatever their case', () => {
    const output = new CapturedOutput().start();
    try {
      const { logger } = createObservability({});
      logger.info('headers seen', {
        headers: { Authorization: `Bearer ${CANARY}`, 'x-api-key': CANARY, 'X-Amz-Security-Token': CANARY, 'content-type': 'application/json' },
        credentials: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: CANARY, sessionToken: CANARY },
        AWS_SECRET_ACCESS_KEY: CANARY,
      });
    } finally {
      output.stop();
    }
    const [line] = output.jsonLines();
    expect(output.text).not.toContain(CANARY);
    expect(output.text).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(line).toMatchObject({ message: 'headers seen', headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'application/json' }, credentials: '[redacted]' });
  });

  it('masks secrets inside free text such as error messages', () => {
    const output = new CapturedOutput().start();
    try {
      const { logger } = createObservability({});
      logger.error('upstream said', {
        cause: `rejected Authorization: AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-2/bedrock-mantle/aws4_request, SignedHeaders=host, Signature=${CANARY}`,
        url: `https://x.example/?X-Amz-Signature=${CANARY}&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP`,
        text: `caller sent Bearer ${CANARY} and sk-${CANARY}`,
      });
      logger.error('failure', new Error(`token Bearer ${CANARY}`));
    } finally {
      output.stop();
    }
    expect(output.jsonLines()).toHaveLength(2);
    expect(output.text).not.toContain(CANARY);
    expect(output.text).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('masks secrets inside a request record\'s error message (the record line, written without the logger)', () => {
    const output = new CapturedOutput().start();
    try {
      const { records } = createObservability({});
      const record: RequestRecord = {
        requestId: 'req-secret',
        caller: { type: 'key', id: 'k7f3a' },
        endpoint: 'chat_completions',
        status: 502,
        stream: false,
        attempts: [{ region: 'us-east-2', status: 400, ms: 2 }],
        fallback: false,
        latencyMs: 3,
        bytesOut: 80,
        error: { type: 'upstream_error', message: `Mantle echoed Authorization: Bearer ${CANARY} from AKIAABCDEFGHIJKLMNOP` },
      };
      records.write(record, { model: 'unknown' });
    } finally {
      output.stop();
    }
    const [line] = output.jsonLines().filter((parsed) => parsed['message'] === 'request');
    expect(line?.['error']).toEqual({ type: 'upstream_error', message: 'Mantle echoed Authorization: Bearer [redacted] from [redacted access key id]' });
    expect(output.text).not.toContain(CANARY);
    expect(output.text).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it.each([
    ['a plain record', '{"requestId":"r","caller":{"type":"key","id":"k7f3a"},"route":{"region":"ap-southeast-2"},"usage":{"inputTokens":1}}', false],
    ['a secret-named key, at any depth', '{"a":{"Authorization":"x"}}', true],
    ['a secret-named key inside a string (not a key: the replacer would keep it)', '{"message":"{\\"token\\":1}"}', false],
    ['a token inside a string', '{"error":{"message":"got bearer abc"}}', true],
    ['either, in capitals', '{"X-Api-Key":1}', true],
    ['an access key id', '{"m":"AKIAABCDEFGHIJKLMNOP"}', true],
  ])('mayHoldSecret: %s', (_name, json, expected) => {
    expect(mayHoldSecret(json)).toBe(expected);
  });

  it.each([
    ['plain text', 'model gpt-oss-120b answered 200', 'model gpt-oss-120b answered 200'],
    ['a bearer token', 'Bearer abc.def', 'Bearer [redacted]'],
    ['an access key id', 'key ASIAABCDEFGHIJKLMNOP used', 'key [redacted access key id] used'],
    ['a gateway API key, keeping its id', 'key mgw_k7f3a_9c1e5b2d4a6f8e0c9d8b7a6 sent', 'key mgw_k7f3a_[redacted] sent'],
  ])('redactText leaves or masks %s', (_name, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it('keeps record fields whose names only resemble secrets', () => {
    expect(redactingReplacer('inputTokens', 12)).toBe(12);
    expect(redactingReplacer('cacheWriteTokens', 1)).toBe(1);
    expect(redactingReplacer('token', 'x')).toBe('[redacted]');
  });
});
