import { defaultProvider } from '../../lambda/lambda-credentials.js';

describe('the Lambda bundle\'s credential chain (environment only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('resolves the role credentials Lambda puts in the environment, once', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'ASIAROLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'role-secret';
    process.env['AWS_SESSION_TOKEN'] = 'role-token';
    const provider = defaultProvider();
    const first = await provider();
    expect(first).toMatchObject({ accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token' });
    process.env['AWS_ACCESS_KEY_ID'] = 'ASIACHANGED';
    expect(await provider()).toBe(first);
  });

  it('fails clearly without them, and tries again on the next call', async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    const provider = defaultProvider();
    await expect(provider()).rejects.toThrow('Unable to find environment variable credentials');
    process.env['AWS_ACCESS_KEY_ID'] = 'ASIALATER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'later-secret';
    expect((await provider()).accessKeyId).toBe('ASIALATER');
  });
});
