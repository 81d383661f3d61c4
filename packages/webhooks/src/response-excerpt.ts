/**
 * Reading a receiver's response body safely: at most `maxBytes` are read, then the stream
 * is destroyed (which closes the connection), so an endless or huge body costs a bounded
 * amount of memory and time. The excerpt is short, decoded leniently, and has our own
 * signatures removed in case the receiver echoes request headers back.
 */
import type { Readable } from 'node:stream';

/** Reads up to `maxBytes`; resolves with what was read. Rejects if the stream errors first. */
export async function readCapped(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      const room = maxBytes - total;
      chunks.push(buf.length > room ? buf.subarray(0, room) : buf);
      total += Math.min(buf.length, room);
      if (total >= maxBytes) break;
    }
  } finally {
    // Breaking out of for-await destroys the stream already; this covers throws too.
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** The first `maxBytes` of `bytes` as text, with each secret string replaced. */
export function excerptOf(bytes: Buffer, maxBytes: number, secrets: readonly string[]): string | undefined {
  if (bytes.length === 0 || maxBytes <= 0) return undefined;
  let text = new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes));
  for (const secret of secrets) {
    if (secret.length >= 8) text = text.split(secret).join('[redacted]');
  }
  return text;
}
