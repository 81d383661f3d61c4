import { describe, expect, it } from 'vitest';
import { effectiveParameters, parseGenerationRequest } from './generation-request.ts';
import { isReelayValidationError, type ReelayValidationError } from './validation-error.ts';

const IMG = 'https://example.com/cat.png';
const AUDIO = 'https://example.com/voice.mp3';
const CLIP = 'https://example.com/clip.mp4';
const media = (...types: string[]) =>
  types.map((type) => ({ type, url: type === 'driving_audio' ? AUDIO : type === 'first_clip' ? CLIP : IMG }));
const req = (over: Record<string, unknown> = {}, params?: Record<string, unknown>) => ({
  input: { prompt: 'A small black cat looks up at the sky', media: media('first_frame'), ...over },
  ...(params ? { parameters: params } : {}),
});

function issuesOf(value: unknown): ReelayValidationError['issues'] {
  try {
    parseGenerationRequest(value);
  } catch (e) {
    if (isReelayValidationError(e)) return e.issues;
    throw e;
  }
  throw new Error('expected the request to be rejected');
}

describe('media combinations', () => {
  it.each([
    [['first_frame']],
    [['first_frame', 'last_frame']],
    [['first_frame', 'driving_audio']],
    [['first_frame', 'last_frame', 'driving_audio']],
    [['first_clip']],
    [['first_clip', 'last_frame']],
    [['last_frame', 'first_frame']],
  ])('accepts %j', (types) => {
    expect(parseGenerationRequest(req({ media: media(...types) })).input.media).toHaveLength(types.length);
  });

  it.each([
    [['first_clip', 'driving_audio'], 'first_clip cannot be combined with driving_audio'],
    [['first_clip', 'first_frame'], 'first_clip cannot be combined with first_frame'],
    [['last_frame'], 'needs a first_frame or a first_clip'],
    [['driving_audio'], 'needs a first_frame or a first_clip'],
    [['last_frame', 'driving_audio'], 'needs a first_frame or a first_clip'],
    [['first_clip', 'last_frame', 'driving_audio'], 'first_clip cannot be combined with driving_audio'],
  ])('rejects %j with a message naming the rule', (types, message) => {
    expect(issuesOf(req({ media: media(...types) }))).toContainEqual({
      path: 'input.media',
      rule: 'media_combination',
      message,
    });
  });

  it('rejects a type given twice, naming the second item', () => {
    const issues = issuesOf(req({ media: [...media('first_frame'), ...media('first_frame')] }));
    expect(issues).toContainEqual({
      path: 'input.media[1].type',
      rule: 'unique_media_type',
      message: 'first_frame appears more than once',
    });
  });

  it('requires media, as a non-empty array of known types', () => {
    expect(issuesOf({ input: { prompt: 'x' } })[0]).toMatchObject({
      path: 'input.media',
      message: 'is required and must be an array',
    });
    expect(issuesOf(req({ media: [] }))).toEqual([
      { path: 'input.media', rule: 'too_small', message: 'needs at least one item' },
    ]);
    expect(issuesOf(req({ media: [{ type: 'thumbnail', url: IMG }] }))[0]).toMatchObject({
      path: 'input.media[0].type',
    });
  });
});

describe('media URLs', () => {
  it.each([
    ['first_frame', 'https://cdn.example.com/a.png'],
    ['first_frame', 'http://example.com/a.webp'],
    ['first_frame', 'data:image/png;base64,iVBORw0KGgo='],
    ['first_frame', 'data:image/jpeg;base64,/9j/4AAQ'],
  ])('%s accepts %s', (type, url) => {
    expect(() => parseGenerationRequest(req({ media: [{ type, url }] }))).not.toThrow();
  });

  it.each([
    ['ftp://example.com/a.png', 'scheme ftp is not allowed; use http(s)://'],
    ['file:///etc/passwd', 'scheme file is not allowed; use http(s)://'],
    ['not a url', 'must be an absolute http(s):// URL'],
    [
      'oss://bucket/path/a.png',
      'oss:// URLs are bound to the Alibaba account and model that uploaded them and cannot be read through Vtrix: use a public http(s):// URL',
    ],
    ['https://user:pw@example.com/a.png', 'URL must not carry credentials'],
    ['data:image/gif;base64,R0lGOD', 'data URL must be data:image/(jpeg|png|bmp|webp);base64,<data>'],
    ['data:image/png,rawbytes', 'data URL must be data:image/(jpeg|png|bmp|webp);base64,<data>'],
  ])('rejects %s', (url, message) => {
    expect(issuesOf(req({ media: [{ type: 'first_frame', url }] }))).toContainEqual({
      path: 'input.media[0].url',
      rule: 'url_form',
      message,
    });
  });

  it('accepts data URLs for images only', () => {
    const issues = issuesOf(
      req({
        media: [
          { type: 'first_frame', url: IMG },
          { type: 'driving_audio', url: 'data:image/png;base64,AAAA' },
        ],
      }),
    );
    expect(issues).toContainEqual({
      path: 'input.media[1].url',
      rule: 'url_form',
      message: 'data: URLs are accepted only for images, not driving_audio',
    });
  });

  it('rejects an image data URL over 20 MB', () => {
    const big = `data:image/png;base64,${'A'.repeat(Math.ceil((20 * 1024 * 1024 * 4) / 3) + 8)}`;
    expect(issuesOf(req({ media: [{ type: 'first_frame', url: big }] }))).toContainEqual({
      path: 'input.media[0].url',
      rule: 'url_form',
      message: 'image is larger than 20 MB',
    });
  });
});

describe('prompts', () => {
  it('accepts 5000 characters of prompt and 500 of negative prompt, counting code points', () => {
    expect(() =>
      parseGenerationRequest(req({ prompt: '猫'.repeat(5000), negative_prompt: '🐱'.repeat(500) })),
    ).not.toThrow();
  });
  it('rejects 5001 and 501', () => {
    const issues = issuesOf(req({ prompt: 'x'.repeat(5001), negative_prompt: 'y'.repeat(501) }));
    expect(issues).toContainEqual({
      path: 'input.prompt',
      rule: 'max_length',
      message: 'must be at most 5000 characters',
    });
    expect(issues).toContainEqual({
      path: 'input.negative_prompt',
      rule: 'max_length',
      message: 'must be at most 500 characters',
    });
  });
  it('treats prompt as optional but typed', () => {
    expect(() => parseGenerationRequest({ input: { media: media('first_frame') } })).not.toThrow();
    expect(issuesOf(req({ prompt: 42 }))[0]).toMatchObject({
      path: 'input.prompt',
      message: 'must be a string',
    });
  });
});

describe('parameters', () => {
  it('accepts every documented parameter at its bounds', () => {
    for (const p of [
      {
        duration: 2,
        resolution: '720P',
        prompt_extend: false,
        watermark: true,
        seed: 0,
        ratio: '16:9',
        audio_setting: 'auto',
      },
      { duration: 15, resolution: '1080P', seed: 2147483647, audio_setting: 'origin', ratio: '1:1' },
    ]) {
      expect(parseGenerationRequest(req({}, p)).parameters).toEqual(p);
    }
  });
  it.each([
    [{ duration: 1 }, 'parameters.duration', 'must be an integer from 2 to 15'],
    [{ duration: 16 }, 'parameters.duration', 'must be an integer from 2 to 15'],
    [{ duration: 5.5 }, 'parameters.duration', 'must be an integer from 2 to 15'],
    [{ duration: '5' }, 'parameters.duration', 'must be an integer from 2 to 15'],
    [{ resolution: '4K' }, 'parameters.resolution', 'must be 720P or 1080P'],
    [{ resolution: '720p' }, 'parameters.resolution', 'must be 720P or 1080P'],
    [{ seed: -1 }, 'parameters.seed', 'must be an integer from 0 to 2147483647'],
    [{ seed: 2147483648 }, 'parameters.seed', 'must be an integer from 0 to 2147483647'],
    [{ prompt_extend: 'yes' }, 'parameters.prompt_extend', 'must be true or false'],
    [{ watermark: 1 }, 'parameters.watermark', 'must be true or false'],
    [{ ratio: 'wide' }, 'parameters.ratio', 'must look like 16:9'],
    [{ audio_setting: 'loud' }, 'parameters.audio_setting', 'must be auto or origin'],
    [{ durations: 5 }, 'parameters.durations', 'is not a known field'],
  ])('rejects %j at %s', (params, path, message) => {
    expect(issuesOf(req({}, params))).toContainEqual(expect.objectContaining({ path, message }));
  });

  it('applies the documented defaults for scheduling', () => {
    expect(effectiveParameters(parseGenerationRequest(req()))).toEqual({ duration: 5, resolution: '1080P' });
    expect(
      effectiveParameters(parseGenerationRequest(req({}, { duration: 10, resolution: '720P' }))),
    ).toEqual({ duration: 10, resolution: '720P' });
  });
});

describe('the whole error', () => {
  it('lists every problem at once, and its message names each field and rule', () => {
    let err: unknown;
    try {
      parseGenerationRequest({
        input: { media: media('first_clip', 'driving_audio'), prompt: 'x'.repeat(5001) },
        parameters: { duration: 99 },
        extra: true,
      });
    } catch (e) {
      err = e;
    }
    expect(isReelayValidationError(err)).toBe(true);
    const e = err as ReelayValidationError;
    expect(e.code).toBe('REELAY_INVALID_REQUEST');
    expect(e.issues.map((i) => i.path).sort()).toEqual([
      'extra',
      'input.media',
      'input.prompt',
      'parameters.duration',
    ]);
    expect(e.message).toContain('input.media: first_clip cannot be combined with driving_audio');
    expect(e.message).toContain('parameters.duration: must be an integer from 2 to 15');
  });

  it('rejects a non-object at the root', () => {
    expect(issuesOf('hello')[0]).toMatchObject({ path: '', rule: 'invalid_type' });
  });
});
