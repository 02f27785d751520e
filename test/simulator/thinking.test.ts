import Anthropic from '@anthropic-ai/sdk';
import type { MantleSimulator } from '../../dev/mantle-simulator/index.js';
import { API_KEY, startTestSimulator } from './helpers.js';

describe('simulated Messages thinking on adaptive-only Claude models', () => {
  let sim: MantleSimulator;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startTestSimulator();
    anthropic = new Anthropic({ apiKey: API_KEY, baseURL: `${sim.url}/anthropic`, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  const base = { max_tokens: 64, messages: [{ role: 'user' as const, content: 'think' }] };

  it.each([
    ['enabled', { type: 'enabled', budget_tokens: 2048 }],
    ['disabled', { type: 'disabled' }],
  ] as const)('rejects %s thinking on Opus 4.7 with Mantle\'s 400', async (type, thinking) => {
    const failure = anthropic.messages.create({ ...base, model: 'anthropic.claude-opus-4-7', thinking });
    await expect(failure).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: `"thinking.type.${type}" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort"`,
        },
      },
    });
  });

  it('rejects classic thinking on count_tokens too', async () => {
    await expect(
      anthropic.messages.countTokens({ ...base, model: 'anthropic.claude-opus-4-7', thinking: { type: 'enabled', budget_tokens: 2048 } }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('accepts adaptive thinking with an effort on Opus 4.7', async () => {
    const message = await anthropic.messages.create({
      ...base,
      model: 'anthropic.claude-opus-4-7',
      thinking: { type: 'adaptive' },
      output_config: { effort: 'xhigh' },
    } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: think' });
  });

  it('rejects an effort Mantle does not know', async () => {
    const failure = anthropic.messages.create({
      ...base,
      model: 'anthropic.claude-opus-4-7',
      thinking: { type: 'adaptive' },
      output_config: { effort: 'extreme' },
    } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    await expect(failure).rejects.toMatchObject({ status: 400 });
  });

  it('accepts classic thinking on a model that still takes it (Sonnet 4.6)', async () => {
    const message = await anthropic.messages.create({ ...base, model: 'anthropic.claude-sonnet-4-6', thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(message.stop_reason).toBe('end_turn');
  });
});
