// Reads a reply body up to a byte cap. Never keeps more than `limit` bytes: past the cap
// the stream is destroyed (undici then drops the connection instead of draining it).

import type { Readable } from 'node:stream';

export interface CappedBody {
  text: string;
  /** True when the body was longer than the cap; `text` then holds only its beginning. */
  truncated: boolean;
}

export function declaredLength(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

export async function readCapped(
  body: Readable,
  limit: number,
  contentLength?: string | string[],
): Promise<CappedBody> {
  // undici's body emits an abort error when destroyed early; with no listener that error
  // would be unhandled. The loop below still sees real read errors through its own listener.
  body.on('error', ignore);
  const declared = declaredLength(contentLength);
  if (declared !== undefined && declared > limit) {
    body.destroy();
    return { text: '', truncated: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (size + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - size));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function ignore(): void {}
