import { admitCallerDocuments } from '../../lambda/auth/admit-caller-documents.js';
import { validateKeyDocument, validatePrincipalDocument } from '../../lambda/auth/caller-documents.js';
import { callerCandidatesFromDocuments } from '../../lambda/auth/caller-parameters.js';
import { keyWithDocument } from './fixtures.js';

describe('key documents', () => {
  const { document, key } = keyWithDocument({ grants: ['gpt-oss-120b', 'tag:openai'], expires_at: '2027-01-31T00:00:00Z' });

  it('accept the documented fields', () => {
    expect(validateKeyDocument(document)).toEqual({ ok: true, value: document });
  });

  it.each([
    ['an unknown field', { secret: 'x' }, 'key "ID": unknown key secret (allowed: id, name, hash, grants, expires_at, disabled, created_at)'],
    ['no grants', { grants: [] }, 'key "ID": grants must list at least one entry'],
    ['a bad grant', { grants: ['tag:'] }, 'key "ID": grant "tag:" is not valid: use a model id, tag:<tag> or *'],
    ['an expiry without a time zone', { expires_at: '2027-01-31T00:00:00' }, 'key "ID": expires_at "2027-01-31T00:00:00" is not an ISO 8601 date-time with a time zone (2027-01-31T00:00:00Z)'],
    ['disabled that is not a boolean', { disabled: 'yes' }, 'key "ID": disabled must be true or false'],
    ['no created_at', { created_at: undefined }, 'key "ID": created_at is required'],
  ])('reject %s, naming the document and the field', (_, change, message) => {
    const result = validateKeyDocument({ ...document, ...change });
    expect(result).toEqual({ ok: false, issues: [message.replace('ID', key.keyId)] });
  });

  it('never quote a bad hash back (it could be a pasted key)', () => {
    const result = validateKeyDocument({ ...document, hash: key.key });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(key.secret);
    expect(result).toEqual({ ok: false, issues: [expect.stringContaining('hash must be "sha256:" followed by 64 lower-case hex characters (value not shown)')] });
  });
});

describe('principal documents', () => {
  it('accept ARN patterns with wildcards', () => {
    const doc = { name: 'search', arns: ['arn:aws:iam::111122223333:role/search-*'], grants: ['*'] };
    expect(validatePrincipalDocument(doc)).toEqual({ ok: true, value: doc });
  });

  it('reject what is not an ARN, and missing grants', () => {
    expect(validatePrincipalDocument({ name: 'x', arns: ['search-role'] })).toEqual({
      ok: false,
      issues: [
        'principal "x": arns[0] "search-role" is not valid: an ARN such as arn:aws:iam::111122223333:role/app, optionally with * wildcards',
        'principal "x": grants is required',
      ],
    });
  });
});

describe('admitting caller documents from SSM (fail closed)', () => {
  const prefix = '/mantle-gateway';
  const a = keyWithDocument();
  const b = keyWithDocument();

  it('admits good documents and refuses bad ones outright, with the parameter named', () => {
    const fetched = new Map([
      [
        'keys',
        new Map([
          [a.key.keyId, JSON.stringify(a.document)],
          [b.key.keyId, JSON.stringify({ ...b.document, grants: 'everything' })],
          ['0000000000000000', JSON.stringify(a.document)],
          ['1111111111111111', `{"id": "${b.key.key}"`],
        ]),
      ],
      ['principals', new Map([['ops', '{"name":"ops","arns":["arn:aws:iam::111122223333:role/ops"],"grants":["*"]}']])],
      ['other-kind', new Map([['x', '{}']])],
    ]);
    const { documents, refused } = admitCallerDocuments(callerCandidatesFromDocuments(fetched, prefix));
    expect(documents.keys.map((doc) => doc.id)).toEqual([a.key.keyId]);
    expect(documents.principals.map((doc) => doc.name)).toEqual(['ops']);
    expect(refused.map((refusal) => refusal.source)).toEqual([
      `${prefix}/keys/${b.key.keyId}`,
      `${prefix}/keys/0000000000000000`,
      `${prefix}/keys/1111111111111111`,
    ]);
    expect(refused[1]?.reasons).toEqual([`${prefix}/keys/0000000000000000: the document's id "${a.key.keyId}" does not match the parameter name`]);
    expect(refused[2]?.reasons).toEqual([`${prefix}/keys/1111111111111111: the value is not valid JSON`]);
    expect(JSON.stringify(refused.map((refusal) => refusal.reasons))).not.toContain(b.key.secret);
  });

  it('refuses every definition of an id defined twice (a keys file)', () => {
    const { documents, refused } = admitCallerDocuments([
      { kind: 'principals', source: 'keys.yaml principals[0]', document: { name: 'p', arns: ['arn:aws:iam::1:user/a'], grants: ['*'] } },
      { kind: 'principals', source: 'keys.yaml principals[1]', document: { name: 'p', arns: ['arn:aws:iam::1:user/b'], grants: ['*'] } },
    ]);
    expect(documents.principals).toEqual([]);
    expect(documents.refusedPrincipals).toBe(2);
    expect(refused[0]?.reasons).toEqual(['principal "p" is defined more than once; all its definitions are refused']);
  });
});
