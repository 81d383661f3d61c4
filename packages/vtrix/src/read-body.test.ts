import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { declaredLength, readCapped } from './read-body.ts';

function chunks(...parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p)));
}

describe('readCapped', () => {
  it('reads a body within the cap', async () => {
    expect(await readCapped(chunks('{"a":', '1}'), 100)).toEqual({ text: '{"a":1}', truncated: false });
  });

  it('a body exactly at the cap is complete', async () => {
    expect(await readCapped(chunks('12345'), 5)).toEqual({ text: '12345', truncated: false });
  });

  it('stops at the cap, keeps only the first limit bytes and destroys the stream', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 1;
        this.push(Buffer.alloc(10, 'x'));
      },
    });
    const result = await readCapped(endless, 25);
    expect(result).toEqual({ text: 'x'.repeat(25), truncated: true });
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(10);
  });

  it('refuses up front when Content-Length exceeds the cap', async () => {
    const body = chunks('x'.repeat(50));
    expect(await readCapped(body, 10, '50')).toEqual({ text: '', truncated: true });
    expect(body.destroyed).toBe(true);
  });

  it('propagates read errors', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      },
    });
    await expect(readCapped(failing, 100)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('declaredLength', () => {
  it('reads digits only', () => {
    expect(declaredLength('42')).toBe(42);
    expect(declaredLength(['7'])).toBe(7);
    expect(declaredLength('4x')).toBeUndefined();
    expect(declaredLength(undefined)).toBeUndefined();
  });
});
