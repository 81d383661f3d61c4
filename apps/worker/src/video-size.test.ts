import { describe, expect, it } from 'vitest';
import { announcedLength, checkAnnounced, checkReceived } from './video-size.ts';

describe('announcedLength', () => {
  it.each([
    ['1024', 1024],
    [' 7 ', 7],
    ['0', 0],
    [['5', '5'], 5],
  ])('reads %j as %j', (header, n) => {
    expect(announcedLength(header)).toBe(n);
  });

  it.each([
    [undefined],
    [''],
    ['-1'],
    ['1e6'],
    ['0x10'],
    ['12abc'],
    ['99999999999999999'],
    [['5', '6']],
    [[]],
  ])('has no usable length in %j (the cap then applies while reading)', (header) => {
    expect(announcedLength(header as string | string[] | undefined)).toBeUndefined();
  });
});

describe('checkAnnounced', () => {
  it('lets a video without a length, or with one up to the cap, be read', () => {
    expect(checkAnnounced(undefined, 100)).toEqual({ ok: true });
    expect(checkAnnounced(100, 100)).toEqual({ ok: true });
  });

  it('refuses one byte over the cap, naming both numbers and MAX_VIDEO_BYTES', () => {
    const check = checkAnnounced(101, 100);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.detail).toBe(
      'the video URL announces 101 bytes (Content-Length), more than MAX_VIDEO_BYTES (100); nothing was downloaded',
    );
  });
});

describe('checkReceived', () => {
  it('reads on up to the cap and stops one byte past it', () => {
    expect(checkReceived(100, 100)).toEqual({ ok: true });
    const check = checkReceived(101, 100);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.detail).toContain('MAX_VIDEO_BYTES (100) after 101 bytes');
  });
});
