import { z } from 'zod';
import { MediaType, mediaCombinationProblem, mediaUrlProblem } from './media.ts';
import { ReelayValidationError, toFieldIssues } from './validation-error.ts';

/** Counts characters as people do (code points), not UTF-16 units, for the prompt limits. */
const maxChars = (max: number) =>
  z.string({ error: 'must be a string' }).refine((s) => [...s].length <= max, {
    error: `must be at most ${max} characters`,
    params: { rule: 'max_length' },
  });

export const MediaItem = z.strictObject({
  type: MediaType,
  url: z.string({ error: 'must be a string' }).min(1, { error: 'is required' }),
});
export type MediaItem = z.infer<typeof MediaItem>;

export const GenerationInput = z
  .strictObject({
    prompt: maxChars(5000).optional(),
    negative_prompt: maxChars(500).optional(),
    media: z
      .array(MediaItem, { error: 'is required and must be an array' })
      .min(1, { error: 'needs at least one item' }),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<MediaType>();
    input.media.forEach((item, i) => {
      if (seen.has(item.type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['media', i, 'type'],
          message: `${item.type} appears more than once`,
          params: { rule: 'unique_media_type' },
        });
      }
      seen.add(item.type);
      const urlProblem = mediaUrlProblem(item.type, item.url);
      if (urlProblem)
        ctx.addIssue({
          code: 'custom',
          path: ['media', i, 'url'],
          message: urlProblem,
          params: { rule: 'url_form' },
        });
    });
    // An empty list already broke `min(1)`: one problem, said once.
    const combo = seen.size ? mediaCombinationProblem(seen) : undefined;
    if (combo)
      ctx.addIssue({
        code: 'custom',
        path: ['media'],
        message: combo,
        params: { rule: 'media_combination' },
      });
  });
export type GenerationInput = z.infer<typeof GenerationInput>;

const intRange = (min: number, max: number) =>
  z
    .number({ error: `must be an integer from ${min} to ${max}` })
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, { error: `must be an integer from ${min} to ${max}` })
    .max(max, { error: `must be an integer from ${min} to ${max}` });

export const RESOLUTIONS = ['720P', '1080P'] as const;

export const GenerationParameters = z.strictObject({
  duration: intRange(2, 15).optional(),
  resolution: z.enum(RESOLUTIONS, { error: 'must be 720P or 1080P' }).optional(),
  // Listed by Vtrix, no effect on image-to-video upstream: accepted, checked for form, forwarded.
  ratio: z
    .string()
    .regex(/^[1-9]\d{0,2}:[1-9]\d{0,2}$/, { error: 'must look like 16:9' })
    .optional(),
  prompt_extend: z.boolean({ error: 'must be true or false' }).optional(),
  watermark: z.boolean({ error: 'must be true or false' }).optional(),
  audio_setting: z.enum(['auto', 'origin'], { error: 'must be auto or origin' }).optional(),
  seed: intRange(0, 2147483647).optional(),
});
export type GenerationParameters = z.infer<typeof GenerationParameters>;

/** Exactly the object Vtrix calls `input[0].params` (DashScope's `input` + `parameters`). */
export const GenerationRequest = z.strictObject({
  input: GenerationInput,
  parameters: GenerationParameters.optional(),
});
export type GenerationRequest = z.infer<typeof GenerationRequest>;

/** Parses a request or throws a ReelayValidationError that lists every broken rule by field. */
export function parseGenerationRequest(value: unknown): GenerationRequest {
  const result = GenerationRequest.safeParse(value);
  if (result.success) return result.data;
  throw new ReelayValidationError(toFieldIssues(result.error.issues));
}

/** Defaults from docs/upstream/VTRIX.md, used for scheduling (expected duration), never sent upstream. */
export function effectiveParameters(request: GenerationRequest): {
  duration: number;
  resolution: '720P' | '1080P';
} {
  return {
    duration: request.parameters?.duration ?? 5,
    resolution: request.parameters?.resolution ?? '1080P',
  };
}
