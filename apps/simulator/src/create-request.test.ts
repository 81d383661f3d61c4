import { describe, expect, it } from 'vitest';
import { checkCreateBody } from './create-request.ts';

const valid = () => ({
  model: 'wan27_i2v',
  input: [
    {
      params: {
        input: { prompt: 'a cat', media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
        parameters: { duration: 8, resolution: '720P' },
      },
    },
  ],
});

describe('checkCreateBody', () => {
  it('accepts the documented body and reads the requested duration', () => {
    expect(checkCreateBody(valid())).toEqual({ ok: true, videoSeconds: 8 });
  });

  it('defaults the duration to 5 s', () => {
    const body = valid();
    (body.input[0]?.params as { parameters?: unknown }).parameters = undefined;
    expect(checkCreateBody(body)).toEqual({ ok: true, videoSeconds: 5 });
  });

  it.each([
    ['body', []],
    ['model', { ...valid(), model: 'wan26_i2v' }],
    ['input', { ...valid(), input: [] }],
    ['input', { ...valid(), input: { params: {} } }],
    ['input[0].params', { ...valid(), input: [{}] }],
    ['input[0].params.input', { ...valid(), input: [{ params: { input: 'x' } }] }],
    ['input[0].params.input.media', { ...valid(), input: [{ params: { input: { media: [] } } }] }],
    [
      'input[0].params.input.media[0]',
      { ...valid(), input: [{ params: { input: { media: [{ type: 'x' }] } } }] },
    ],
  ])('rejects a bad %s, naming it', (field, body) => {
    const result = checkCreateBody(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.startsWith(`${field}: `)).toBe(true);
  });
});
