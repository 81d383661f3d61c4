/**
 * A task's video as a stream of chunks: the base clip, the `free` box head, then zero
 * padding from one shared 64 KiB buffer. Constant memory at any size; the same generator
 * feeds downloads and `expectedSha256`, so the two cannot disagree.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { freeBoxLayout } from './free-box.ts';

export const CHUNK_SIZE = 64 * 1024;
// Shared by every stream and never written to, which is what makes reuse safe.
const ZEROS = Buffer.alloc(CHUNK_SIZE);

export const baseClipUrl = new URL('../assets/base.mp4', import.meta.url);

export function loadBaseClip(): Promise<Buffer> {
  return readFile(baseClipUrl);
}

export function videoSize(baseSize: number, taskId: string, targetBytes: number): number {
  return freeBoxLayout(baseSize, taskId, targetBytes).total;
}

/** Yields read-only chunks; consumers must not modify them. */
export function* videoChunks(base: Buffer, taskId: string, targetBytes: number): Generator<Buffer> {
  const layout = freeBoxLayout(base.length, taskId, targetBytes);
  yield base;
  yield layout.head;
  let left = layout.padding;
  while (left > 0) {
    const n = Math.min(left, CHUNK_SIZE);
    yield n === CHUNK_SIZE ? ZEROS : ZEROS.subarray(0, n);
    left -= n;
  }
}

/** The video as a byte stream; it pulls from the generator only as fast as it is read. */
export function videoStream(base: Buffer, taskId: string, targetBytes: number): Readable {
  return Readable.from(videoChunks(base, taskId, targetBytes), { objectMode: false });
}

/** Hex sha256 of the video; yields to the event loop every 16 MiB so a 1 GiB hash does not stall the server. */
export async function videoSha256(base: Buffer, taskId: string, targetBytes: number): Promise<string> {
  const hash = createHash('sha256');
  let sinceYield = 0;
  for (const chunk of videoChunks(base, taskId, targetBytes)) {
    hash.update(chunk);
    sinceYield += chunk.length;
    if (sinceYield >= 16 * 1024 * 1024) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  return hash.digest('hex');
}
