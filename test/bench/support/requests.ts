import type { GenerationRequest } from '@reelay/contracts';

/** The benchmark's generation request: one first frame, a prompt that differs per generation. */
export const request = (i: number): GenerationRequest => ({
  input: {
    prompt: `bench ${i}: a cat looks up`,
    media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }],
  },
  parameters: { duration: 5, resolution: '720P' },
});
