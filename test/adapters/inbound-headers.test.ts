import { InboundHeaders } from '../../lambda/adapters/inbound-headers.js';

/** The adapters' header map must read like the web Headers it replaced. */
describe('InboundHeaders', () => {
  const pairs: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['X-Api-Key', '  mgw_abc_def \t'],
    ['accept', 'text/event-stream'],
    ['Accept', 'application/json'],
    ['anthropic-beta', ''],
  ];

  it('answers get() and forEach() exactly as a web Headers with the same pairs', () => {
    const ours = new InboundHeaders(pairs);
    const web = new Headers(pairs);
    for (const name of ['content-type', 'CONTENT-TYPE', 'x-api-key', 'accept', 'anthropic-beta', 'missing']) expect(ours.get(name)).toBe(web.get(name));
    const seen = (headers: { forEach(callback: (value: string, name: string) => void): void }) => {
      const entries: string[][] = [];
      headers.forEach((value, name) => entries.push([name, value]));
      return entries;
    };
    expect(seen(ours)).toEqual(seen(web));
  });

  it('skips undefined values', () => {
    expect(new InboundHeaders([['x-a', undefined], ['x-b', '1']]).get('x-a')).toBeNull();
  });

  it.each([
    ['a name with a space', 'bad name', 'v'],
    ['a name with a colon', 'x:y', 'v'],
    ['an empty name', '', 'v'],
    ['a value with CR LF inside', 'x-a', 'one\r\ntwo'],
    ['a value with NUL', 'x-a', 'a\0b'],
  ])('refuses %s with a 400 invalid_header, as a web Headers refuses it', (_name, name, value) => {
    expect(() => new Headers([[name, value]])).toThrow();
    expect(() => new InboundHeaders([[name, value]])).toThrow(expect.objectContaining({ status: 400, code: 'invalid_header' }));
  });

  it('keeps a value above U+00FF as its UTF-8 bytes, read as latin1', () => {
    const headers = new InboundHeaders([['cf-ipcity', 'Srīperumbūdūr']]);
    expect(Buffer.from(headers.get('cf-ipcity')!, 'latin1').toString('utf8')).toBe('Srīperumbūdūr');
  });
});
