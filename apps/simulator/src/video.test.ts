import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FREE_BOX_MARKER, freeBoxLayout } from './free-box.ts';
import { baseClipUrl, CHUNK_SIZE, videoChunks, videoSha256, videoSize, videoStream } from './video.ts';

const base = readFileSync(baseClipUrl);
const id = 'd758n65e878c73cmdg20';

interface Box {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

/** Top-level ISO-BMFF boxes, reading both the 32-bit and the 64-bit size forms. */
function parseBoxes(bytes: Buffer): Box[] {
  const boxes: Box[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    let size = bytes.readUInt32BE(offset);
    let headerSize = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      headerSize = 16;
    }
    if (size < headerSize) throw new Error(`bad box size ${size} at ${offset}`);
    boxes.push({ type: bytes.toString('latin1', offset + 4, offset + 8), offset, size, headerSize });
    offset += size;
  }
  if (offset !== bytes.length) throw new Error(`boxes end at ${offset}, file is ${bytes.length}`);
  return boxes;
}

const video = (taskId: string, target: number) => Buffer.concat([...videoChunks(base, taskId, target)]);

describe('base clip', () => {
  it('is a small faststart MP4 (moov before mdat)', () => {
    expect(base.length).toBeLessThan(50 * 1024);
    const types = parseBoxes(base).map((b) => b.type);
    expect(types[0]).toBe('ftyp');
    expect(types.indexOf('moov')).toBeLessThan(types.indexOf('mdat'));
  });
});

describe('task video', () => {
  it('is the base clip plus one free box carrying the task id, boxes adding up to the total', () => {
    const bytes = video(id, 0);
    expect(bytes.subarray(0, base.length).equals(base)).toBe(true);
    const boxes = parseBoxes(bytes);
    const last = boxes.at(-1);
    expect(last?.type).toBe('free');
    expect(bytes.toString('latin1', (last?.offset ?? 0) + 8)).toBe(FREE_BOX_MARKER + id);
    expect(boxes.reduce((sum, b) => sum + b.size, 0)).toBe(bytes.length);
    expect(bytes.length).toBe(videoSize(base.length, id, 0));
  });

  it('pads inside the free box to exactly videoBytes, with zeros', () => {
    const target = 3 * CHUNK_SIZE + 12_345 + base.length;
    const bytes = video(id, target);
    expect(bytes.length).toBe(target);
    const free = parseBoxes(bytes).at(-1);
    expect(free).toMatchObject({ type: 'free', size: target - base.length });
    const headEnd = (free?.offset ?? 0) + 8 + FREE_BOX_MARKER.length + id.length;
    expect(bytes.subarray(headEnd).every((b) => b === 0)).toBe(true);
  });

  it('keeps the natural size when videoBytes is smaller than it', () => {
    expect(video(id, 10).length).toBe(video(id, 0).length);
  });

  it('never yields a chunk over 64 KiB', () => {
    for (const chunk of videoChunks(base, id, 10 * CHUNK_SIZE + 1)) {
      if (chunk !== base) expect(chunk.length).toBeLessThanOrEqual(CHUNK_SIZE);
    }
  });

  it('differs per task', () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(video(id, 0))).not.toBe(sha(video('e'.repeat(20), 0)));
  });

  it('hashes to the sha256 of the bytes it streams', async () => {
    const target = 5 * CHUNK_SIZE + 7;
    expect(await videoSha256(base, id, target)).toBe(
      createHash('sha256').update(video(id, target)).digest('hex'),
    );
  });
});

describe('freeBoxLayout', () => {
  it('switches to the 64-bit size form past 4 GiB - 1', () => {
    const small = freeBoxLayout(1000, id, 1000 + 0xffffffff);
    expect(small.headerSize).toBe(8);
    expect(small.head.readUInt32BE(0)).toBe(0xffffffff);

    const target = 5 * 1024 ** 3;
    const large = freeBoxLayout(1000, id, target);
    expect(large.headerSize).toBe(16);
    expect(large.head.readUInt32BE(0)).toBe(1);
    expect(large.head.toString('latin1', 4, 8)).toBe('free');
    expect(Number(large.head.readBigUInt64BE(8))).toBe(target - 1000);
    expect(large.head.length + large.padding).toBe(large.boxSize);
    expect(large.total).toBe(target);
  });
});

describe('videoStream', () => {
  it('stops pulling when its reader stalls (backpressure), even for a 1 GiB video', async () => {
    const { Writable } = await import('node:stream');
    const { setImmediate: turn } = await import('node:timers/promises');
    let received = 0;
    const stalled = new Writable({
      write(chunk: Buffer, _encoding, _callback) {
        received += chunk.length; // never calls back: the consumer is stuck
      },
    });
    const stream = videoStream(base, id, 1024 ** 3);
    stream.pipe(stalled);
    for (let i = 0; i < 20; i++) await turn();
    const pulled = received + stalled.writableLength + stream.readableLength;
    expect(received).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    stream.destroy();
    stalled.destroy();
  });
});
