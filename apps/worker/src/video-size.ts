/**
 * The sink's size cap (MAX_VIDEO_BYTES), as plain decisions. The copy asks `checkAnnounced`
 * before reading a byte, so a Content-Length over the cap is refused without downloading the
 * body, and `checkReceived` after every chunk, so a body without one is cut as soon as it
 * passes the cap (at most one chunk later) rather than read to its end.
 */

export type VideoSizeCheck = { ok: true } | { ok: false; detail: string };

/**
 * The Content-Length of a video response, or undefined when it has none usable (absent, not
 * plain decimal digits, or repeated with different values): then only `checkReceived` applies.
 */
export function announcedLength(header: string | string[] | undefined): number | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  const [value, ...others] = new Set(values.map((v) => v.trim()));
  if (value === undefined || others.length > 0 || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Before reading: a video that announces more than `maxBytes` is refused outright. */
export function checkAnnounced(announced: number | undefined, maxBytes: number): VideoSizeCheck {
  if (announced === undefined || announced <= maxBytes) return { ok: true };
  return {
    ok: false,
    detail: `the video URL announces ${announced} bytes (Content-Length), more than MAX_VIDEO_BYTES (${maxBytes}); nothing was downloaded`,
  };
}

/** While reading: `received` bytes so far; more than `maxBytes` stops the download. */
export function checkReceived(received: number, maxBytes: number): VideoSizeCheck {
  if (received <= maxBytes) return { ok: true };
  return {
    ok: false,
    detail: `the video passed MAX_VIDEO_BYTES (${maxBytes}) after ${received} bytes; the download was cut`,
  };
}
