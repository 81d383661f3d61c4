import { z } from 'zod';

export const MEDIA_TYPES = ['first_frame', 'last_frame', 'driving_audio', 'first_clip'] as const;
export const MediaType = z.enum(MEDIA_TYPES, {
  error: `must be one of ${MEDIA_TYPES.join(', ')}`,
});
export type MediaType = z.infer<typeof MediaType>;

/** The six media sets Wan 2.7 image-to-video accepts (docs/upstream/VTRIX.md, "Request rules"). */
export const ALLOWED_MEDIA_SETS: ReadonlyArray<ReadonlyArray<MediaType>> = [
  ['first_frame'],
  ['first_frame', 'last_frame'],
  ['first_frame', 'driving_audio'],
  ['first_frame', 'last_frame', 'driving_audio'],
  ['first_clip'],
  ['first_clip', 'last_frame'],
];

/**
 * Explains why a set of media types is not one of the allowed six, or returns undefined when it
 * is. Duplicates are reported separately (per item), so `types` here is already distinct.
 */
export function mediaCombinationProblem(types: ReadonlySet<MediaType>): string | undefined {
  const allowed = ALLOWED_MEDIA_SETS.some(
    (set) => set.length === types.size && set.every((t) => types.has(t)),
  );
  if (allowed) return undefined;
  if (types.has('first_clip') && types.has('first_frame'))
    return 'first_clip cannot be combined with first_frame';
  if (types.has('first_clip') && types.has('driving_audio'))
    return 'first_clip cannot be combined with driving_audio';
  if (!types.has('first_frame') && !types.has('first_clip')) return 'needs a first_frame or a first_clip';
  return `unsupported combination: ${[...types].join(' + ')}`;
}

const IMAGE_TYPES: ReadonlySet<MediaType> = new Set(['first_frame', 'last_frame']);
const DATA_IMAGE = /^data:image\/(jpeg|jpg|png|bmp|webp);base64,([A-Za-z0-9+/]+={0,2})$/;
/** Images are at most 20 MB (docs/upstream/VTRIX.md); base64 inflates by 4/3. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/**
 * Checks the URL form for one media item: public http(s) for every type, and for images also a
 * base64 data URL. Reelay checks form only; it never downloads inputs. `oss://` URLs are refused:
 * they are temporary URLs bound to the Alibaba account and model that uploaded them, which the
 * Vtrix API cannot resolve (docs/upstream/VTRIX.md), so the generation could only fail upstream.
 */
export function mediaUrlProblem(type: MediaType, url: string): string | undefined {
  if (url.startsWith('data:')) {
    if (!IMAGE_TYPES.has(type)) return `data: URLs are accepted only for images, not ${type}`;
    const m = DATA_IMAGE.exec(url);
    if (!m) return 'data URL must be data:image/(jpeg|png|bmp|webp);base64,<data>';
    if (Math.floor((m[2]!.length * 3) / 4) > MAX_IMAGE_BYTES) return 'image is larger than 20 MB';
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s):// URL';
  }
  if (parsed.protocol === 'oss:')
    return 'oss:// URLs are bound to the Alibaba account and model that uploaded them and cannot be read through Vtrix: use a public http(s):// URL';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `scheme ${parsed.protocol.replace(':', '')} is not allowed; use http(s)://`;
  }
  if (!parsed.hostname) return 'URL needs a host';
  if (parsed.username || parsed.password) return 'URL must not carry credentials';
  return undefined;
}
