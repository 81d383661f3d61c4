/**
 * Structural check of a create body, as the upstream would do it: right model, `input` a
 * non-empty array, `input[0].params.input.media` a non-empty array of {type, url}. The
 * request rules themselves (allowed media sets, ranges) are Reelay's to enforce, not ours.
 */
import { MODEL } from './task-replies.ts';

export type CreateCheck = { ok: true; videoSeconds: number } | { ok: false; message: string };

const DEFAULT_SECONDS = 5;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkCreateBody(body: unknown): CreateCheck {
  if (!isRecord(body)) return fail('body', 'must be a JSON object');
  if (body.model !== MODEL) return fail('model', `must be "${MODEL}"`);
  const input = body.input;
  if (!Array.isArray(input) || input.length === 0) return fail('input', 'must be a non-empty array');
  const first: unknown = input[0];
  const params = isRecord(first) ? first.params : undefined;
  if (!isRecord(params)) return fail('input[0].params', 'must be an object');
  const request = params.input;
  if (!isRecord(request)) return fail('input[0].params.input', 'must be an object');
  const media = request.media;
  if (!Array.isArray(media) || media.length === 0) {
    return fail('input[0].params.input.media', 'must be a non-empty array');
  }
  for (const [i, item] of media.entries()) {
    if (!isRecord(item) || typeof item.type !== 'string' || typeof item.url !== 'string') {
      return fail(`input[0].params.input.media[${i}]`, 'must be an object with string type and url');
    }
  }
  const parameters = isRecord(params.parameters) ? params.parameters : {};
  const duration = parameters.duration;
  const videoSeconds =
    typeof duration === 'number' && Number.isInteger(duration) && duration > 0 ? duration : DEFAULT_SECONDS;
  return { ok: true, videoSeconds };
}

function fail(field: string, problem: string): CreateCheck {
  return { ok: false, message: `${field}: ${problem}` };
}
