import type { GenerationRequest } from '@reelay/contracts';

const IMG = 'https://example.com/cat.png';
const LAST = 'https://example.com/cat-end.png';
const AUDIO = 'https://example.com/meow.mp3';
const CLIP = 'https://example.com/cat.mp4';

/** One request per media combination Wan 2.7 i2v accepts. */
export const MEDIA_MODES: Record<string, GenerationRequest> = {
  first_frame: {
    input: { prompt: 'a cat looks up', media: [{ type: 'first_frame', url: IMG }] },
    parameters: { duration: 5, resolution: '720P' },
  },
  'first_frame+last_frame': {
    input: {
      prompt: 'a cat turns',
      media: [
        { type: 'first_frame', url: IMG },
        { type: 'last_frame', url: LAST },
      ],
    },
  },
  'first_frame+driving_audio': {
    input: {
      media: [
        { type: 'first_frame', url: IMG },
        { type: 'driving_audio', url: AUDIO },
      ],
    },
    parameters: { seed: 42 },
  },
  'first_frame+last_frame+driving_audio': {
    input: {
      media: [
        { type: 'first_frame', url: IMG },
        { type: 'last_frame', url: LAST },
        { type: 'driving_audio', url: AUDIO },
      ],
    },
  },
  first_clip: {
    input: { prompt: 'continue the clip', media: [{ type: 'first_clip', url: CLIP }] },
    parameters: { duration: 10, resolution: '1080P' },
  },
  'first_clip+last_frame': {
    input: {
      media: [
        { type: 'first_clip', url: CLIP },
        { type: 'last_frame', url: LAST },
      ],
    },
  },
};

export const simpleRequest = (prompt = 'a cat'): GenerationRequest => ({
  input: { prompt, media: [{ type: 'first_frame', url: IMG }] },
});
