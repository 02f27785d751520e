import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { CREDENTIALS_HOLD_MS, CREDENTIALS_REFRESH_BEFORE_EXPIRY_MS, MantleSigner } from '../../lambda/upstream/sigv4.js';
import type { UpstreamRequest } from '../../lambda/upstream/upstream-request.js';

/** Golden vector: pinned clock and credentials, so the signature is fixed (cross-checked by referenceSignature below). */
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' };
const SIGNING_DATE = new Date('2026-11-01T12:00:00Z');
const BODY = '{"model":"openai.gpt-5.5","input":"Write a concise migration note."}';
const EXPECTED_SIGNATURE = 'da02dabb4afd05aa39170d45f5264405a1cb6e4a799856bf0e895ed67e253707';

function request(): UpstreamRequest {
  return {
    method: 'POST',
    url: new URL('https://bedrock-mantle.us-east-2.api.aws/openai/v1/responses'),
    headers: { accept: 'application/json', 'content-type': 'application/json', 'openai-project': 'proj_123' },
    body: BODY,
  };
}

/** SigV4 from the specification (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html). */
function referenceSignature(signed: Record<string, string>, path = '/openai/v1/responses', canonicalQuery = '', method = 'POST', body = BODY): string {
  const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
  const hmac = (key: string | Buffer, value: string): Buffer => createHmac('sha256', key).update(value).digest();
  const headers: Record<string, string> = { ...signed, host: 'bedrock-mantle.us-east-2.api.aws' };
  delete headers['authorization'];
  const names = Object.keys(headers).sort();
  const canonical = [method, path, canonicalQuery, ...names.map((name) => `${name}:${headers[name]!.trim()}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = '20261101/us-east-2/bedrock-mantle/aws4_request';
  const stringToSign = ['AWS4-HMAC-SHA256', '20261101T120000Z', scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, '20261101');
  for (const part of ['us-east-2', 'bedrock-mantle', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('MantleSigner', () => {
  const signer = new MantleSigner(async () => CREDENTIALS, () => SIGNING_DATE);

  it('signs for service bedrock-mantle in the provider region, with the body hash, date and session token', async () => {
    const upstream = request();
    await signer.sign(upstream, 'us-east-2');
    expect(upstream.headers).toMatchObject({
      'x-amz-date': '20261101T120000Z',
      'x-amz-security-token': 'session-token-example',
      'x-amz-content-sha256': createHash('sha256').update(BODY).digest('hex'),
    });
    expect(upstream.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261101/us-east-2/bedrock-mantle/aws4_request, ' +
        'SignedHeaders=accept;content-type;host;openai-project;x-amz-content-sha256;x-amz-date;x-amz-security-token, ' +
        `Signature=${EXPECTED_SIGNATURE}`,
    );
  });

  it('matches an independent implementation of the SigV4 specification', async () => {
    const upstream = request();
    await signer.sign(upstream, 'us-east-2');
    expect(upstream.headers['authorization']).toContain(`Signature=${referenceSignature(upstream.headers)}`);
  });

  it('signs every value of a repeated query key, sorted by key and then value', async () => {
    const id = `resp_${'a'.repeat(52)}`;
    const upstream: UpstreamRequest = {
      method: 'GET',
      url: new URL(`https://bedrock-mantle.us-east-2.api.aws/openai/v1/responses/${id}?include%5B%5D=z.last&stream=false&include%5B%5D=a.first`),
      headers: { accept: 'application/json' },
      body: undefined,
    };
    await signer.sign(upstream, 'us-east-2');
    const canonicalQuery = 'include%5B%5D=a.first&include%5B%5D=z.last&stream=false';
    expect(upstream.headers['authorization']).toContain(`Signature=${referenceSignature(upstream.headers, `/openai/v1/responses/${id}`, canonicalQuery, 'GET', '')}`);
  });

  it('leaves host to the HTTP client but signs it with the port when the endpoint has one', async () => {
    const upstream = { ...request(), url: new URL('http://127.0.0.1:4010/openai/v1/responses') };
    await signer.sign(upstream, 'us-east-2');
    expect(upstream.headers['host']).toBeUndefined();
    expect(upstream.headers['authorization']).toContain('SignedHeaders=accept;content-type;host;');
  });

  it('scopes the credential to the region it is given', async () => {
    const upstream = request();
    await signer.sign(upstream, 'eu-west-1');
    expect(upstream.headers['authorization']).toContain('/eu-west-1/bedrock-mantle/aws4_request');
  });
});

/** The same request signed by @smithy/signature-v4 (what the AWS SDKs and the Mantle simulator use). */
async function smithyAuthorization(upstream: UpstreamRequest, region: string): Promise<string> {
  const signer = new SignatureV4({ credentials: CREDENTIALS, region, service: 'bedrock-mantle', sha256: Hash.bind(null, 'sha256') });
  const { url } = upstream;
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : typeof existing === 'string' ? [existing, value] : [...existing, value];
  }
  const signed = await signer.sign(
    {
      method: upstream.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...upstream.headers, host: url.host },
      ...(upstream.body !== undefined ? { body: upstream.body } : {}),
    },
    { signingDate: SIGNING_DATE },
  );
  return signed.headers['authorization']!;
}

describe('MantleSigner against @smithy/signature-v4', () => {
  const signer = new MantleSigner(async () => CREDENTIALS, () => SIGNING_DATE);
  const base = 'https://bedrock-mantle.us-east-2.api.aws';

  it.each([
    ['a plain POST', 'POST', '/v1/chat/completions', BODY],
    ['a GET with a query of repeated and encoded keys', 'GET', `/openai/v1/responses/resp_x?include%5B%5D=b&stream=true&include%5B%5D=a%20b&q=it's`, undefined],
    ['a path with reserved and encoded characters', 'DELETE', '/openai/v1/responses/a:b@c$d,e;f=g+h(i)*!/j%2Fk', undefined],
    ['a path with dot and empty segments and a trailing slash', 'GET', '/v1//models/./x/../y/', undefined],
    ['an empty path', 'GET', '/', undefined],
    ['a non-ASCII body', 'POST', '/anthropic/v1/messages', '{"model":"m","messages":[{"role":"user","content":"Grüße, 你好"}]}'],
  ])('signs %s as the AWS SDK signer does', async (_name, method, target, body) => {
    const headers = { accept: 'text/event-stream', 'content-type': 'application/json', 'user-agent': 'mantle-gateway/0.1', 'x-custom': '  a   b \t c  ', 'sec-fetch-mode': 'cors' };
    const upstream: UpstreamRequest = { method, url: new URL(`${base}${target}`), headers: { ...headers }, body };
    const expected = await smithyAuthorization({ ...upstream, headers: { ...headers } }, 'us-east-2');
    await signer.sign(upstream, 'us-east-2');
    expect(upstream.headers['authorization']).toBe(expected);
  });

  it('derives a new signing key when the provider hands over new credentials (asked again after a minute)', async () => {
    let secret = CREDENTIALS.secretAccessKey;
    let now = SIGNING_DATE.getTime();
    const rotating = new MantleSigner(async () => ({ ...CREDENTIALS, secretAccessKey: secret }), () => new Date(now));
    const first = request();
    await rotating.sign(first, 'us-east-2');
    secret = 'another-secret';
    const held = request();
    await rotating.sign(held, 'us-east-2');
    expect(held.headers['authorization']).toBe(first.headers['authorization']);
    now += CREDENTIALS_HOLD_MS;
    const second = request();
    await rotating.sign(second, 'us-east-2');
    expect(second.headers['authorization']).not.toContain(`Signature=${EXPECTED_SIGNATURE}`);
    expect(first.headers['authorization']).toContain(`Signature=${EXPECTED_SIGNATURE}`);
  });

  it('signs without asking the provider (and without a promise) while the credentials it holds are fresh', async () => {
    let calls = 0;
    let now = SIGNING_DATE.getTime();
    const expiration = new Date(now + 10 * 60_000);
    const signer = new MantleSigner(async () => (calls++, { ...CREDENTIALS, expiration }), () => new Date(now));
    await signer.sign(request(), 'us-east-2');
    expect(calls).toBe(1);
    expect(signer.sign(request(), 'us-east-2')).toBeUndefined();
    // Five minutes before the expiry it asks again, as the AWS SDKs refresh.
    now = expiration.getTime() - CREDENTIALS_REFRESH_BEFORE_EXPIRY_MS;
    await signer.sign(request(), 'us-east-2');
    expect(calls).toBe(2);
  });

  it('asks the provider on every request once the credentials are within five minutes of expiring', async () => {
    let calls = 0;
    const expiration = new Date(SIGNING_DATE.getTime() + 60_000);
    const signer = new MantleSigner(async () => (calls++, { ...CREDENTIALS, expiration }), () => SIGNING_DATE);
    await signer.sign(request(), 'us-east-2');
    await signer.sign(request(), 'us-east-2');
    expect(calls).toBe(2);
  });
});
