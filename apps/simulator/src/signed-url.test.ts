import { describe, expect, it } from 'vitest';
import { signedFilePath, verifyFileUrl } from './signed-url.ts';

const secret = Buffer.alloc(32, 7);
const id = 'd758n65e878c73cmdg20';
const parts = (path: string) => {
  const url = new URL(path, 'http://x');
  return { expires: url.searchParams.get('expires'), sig: url.searchParams.get('sig'), path: url.pathname };
};

describe('signed file URLs', () => {
  const { expires, sig, path } = parts(signedFilePath(secret, id, 5000));

  it('names the task file and verifies before the expiry', () => {
    expect(path).toBe(`/files/${id}.mp4`);
    expect(verifyFileUrl(secret, id, expires, sig, 4999)).toEqual({ ok: true });
  });

  it('is expired at and after the expiry instant', () => {
    expect(verifyFileUrl(secret, id, expires, sig, 5000)).toEqual({ ok: false, error: 'expired' });
  });

  it('reads a moved expiry, another task, or another secret as a bad signature', () => {
    expect(verifyFileUrl(secret, id, '9999', sig, 0)).toEqual({ ok: false, error: 'bad-signature' });
    expect(verifyFileUrl(secret, 'b'.repeat(20), expires, sig, 0)).toEqual({
      ok: false,
      error: 'bad-signature',
    });
    expect(verifyFileUrl(Buffer.alloc(32, 8), id, expires, sig, 0)).toEqual({
      ok: false,
      error: 'bad-signature',
    });
    expect(verifyFileUrl(secret, id, expires, `${sig}x`, 0)).toEqual({ ok: false, error: 'bad-signature' });
  });

  it('rejects missing or non-numeric parameters as malformed', () => {
    expect(verifyFileUrl(secret, id, null, sig, 0)).toEqual({ ok: false, error: 'malformed' });
    expect(verifyFileUrl(secret, id, expires, null, 0)).toEqual({ ok: false, error: 'malformed' });
    expect(verifyFileUrl(secret, id, '12abc', sig, 0)).toEqual({ ok: false, error: 'malformed' });
  });
});
