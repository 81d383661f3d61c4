import type { GenerationRequest } from '@reelay/contracts';

const FIRST = 'https://example.com/demo/cat-first.png';
const LAST = 'https://example.com/demo/cat-last.png';
const AUDIO = 'https://example.com/demo/purr.mp3';
const CLIP = 'https://example.com/demo/cat-clip.mp4';

/** One request per media combination Wan 2.7 image-to-video accepts. */
export const DEMO_REQUESTS: ReadonlyArray<{ label: string; request: GenerationRequest }> = [
  {
    label: 'first_frame',
    request: {
      input: {
        prompt: 'A small black cat looks up at the sky',
        media: [{ type: 'first_frame', url: FIRST }],
      },
      parameters: { duration: 5, resolution: '720P' },
    },
  },
  {
    label: 'first_frame+last_frame',
    request: {
      input: {
        prompt: 'The cat turns to the camera',
        media: [
          { type: 'first_frame', url: FIRST },
          { type: 'last_frame', url: LAST },
        ],
      },
    },
  },
  {
    label: 'first_frame+driving_audio',
    request: {
      input: {
        prompt: 'The cat purrs',
        media: [
          { type: 'first_frame', url: FIRST },
          { type: 'driving_audio', url: AUDIO },
        ],
      },
    },
  },
  {
    label: 'first_frame+last_frame+driving_audio',
    request: {
      input: {
        media: [
          { type: 'first_frame', url: FIRST },
          { type: 'last_frame', url: LAST },
          { type: 'driving_audio', url: AUDIO },
        ],
      },
      parameters: { seed: 42 },
    },
  },
  {
    label: 'first_clip',
    request: {
      input: { prompt: 'Continue the scene', media: [{ type: 'first_clip', url: CLIP }] },
      parameters: { duration: 10 },
    },
  },
  {
    label: 'first_clip+last_frame',
    request: {
      input: {
        media: [
          { type: 'first_clip', url: CLIP },
          { type: 'last_frame', url: LAST },
        ],
      },
      parameters: { resolution: '1080P' },
    },
  },
];
