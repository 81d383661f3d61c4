import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './base64.ts';

describe('decodeBase64Strict', () => {
  it.each([
    ['', ''],
    ['YQ==', 'a'],
    ['YWI=', 'ab'],
    ['YWJj', 'abc'],
    ['+/+/', Buffer.from([0xfb, 0xff, 0xbf]).toString('latin1')],
  ])('decodes canonical %j', (text, expected) => {
    expect(decodeBase64Strict(text)?.toString('latin1')).toBe(expected);
  });

  it.each([
    ['missing padding', 'YQ'],
    ['short padding', 'YQ='],
    ['extra padding', 'YWJj===='],
    ['unused bits set', 'YR=='],
    ['url-safe alphabet', '-_-_'],
    ['whitespace', 'YW Jj'],
    ['a newline', 'YWJj\n'],
    ['a lone character', 'Y'],
    ['padding in the middle', 'YQ==YQ=='],
  ])('refuses %s', (_name, text) => {
    // Node's own decoder accepts every one of these in some form; that is the point.
    expect(decodeBase64Strict(text)).toBeUndefined();
  });
});
