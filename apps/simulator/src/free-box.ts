/**
 * Layout of the MP4 `free` box appended to the base clip. It carries the task id (so every
 * task's video has its own sha256) and any padding up to `videoBytes`. Players skip `free`
 * boxes. A box over 4 GiB − 1 uses the 64-bit form (size field 1, then a 64-bit largesize).
 */
export const FREE_BOX_MARKER = 'reelay-simulator task ';

export interface FreeBoxLayout {
  /** 8, or 16 for the 64-bit form. */
  headerSize: number;
  /** Header plus marker and task id: the bytes written before the zero padding. */
  head: Buffer;
  /** Zero bytes after `head`. */
  padding: number;
  /** The whole box, header included. */
  boxSize: number;
  /** Base clip plus box: the video's size. */
  total: number;
}

const U32_MAX = 0xffffffff;

/** `targetBytes` ≤ the natural size means "natural size" (the box cannot shrink). */
export function freeBoxLayout(baseSize: number, taskId: string, targetBytes: number): FreeBoxLayout {
  const payload = Buffer.from(FREE_BOX_MARKER + taskId, 'latin1');
  const natural = baseSize + 8 + payload.length;
  const total = Math.max(natural, targetBytes);
  const boxSize = total - baseSize;
  const headerSize = boxSize > U32_MAX ? 16 : 8;
  const header = Buffer.alloc(headerSize);
  if (headerSize === 8) {
    header.writeUInt32BE(boxSize, 0);
    header.write('free', 4, 'latin1');
  } else {
    header.writeUInt32BE(1, 0);
    header.write('free', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(boxSize), 8);
  }
  const head = Buffer.concat([header, payload]);
  return { headerSize, head, padding: boxSize - head.length, boxSize, total };
}
