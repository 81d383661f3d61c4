/**
 * Result URLs: `/files/<taskId>.mp4?expires=<ms>&sig=<hmac>`, the HMAC-SHA256 over task id
 * and expiry under a per-simulator secret. Verification checks the signature first (in
 * constant time), so a tampered expiry reads as tampered, not as expired.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type UrlCheck = { ok: true } | { ok: false; error: 'malformed' | 'bad-signature' | 'expired' };

/** The one place the signed bytes are built, for both signing and verifying. */
function signature(secret: Uint8Array, taskId: string, expiresAt: number): Buffer {
  return createHmac('sha256', secret).update(`${taskId}\n${expiresAt}`).digest();
}

export function signedFilePath(secret: Uint8Array, taskId: string, expiresAt: number): string {
  const sig = signature(secret, taskId, expiresAt).toString('base64url');
  return `/files/${taskId}.mp4?expires=${expiresAt}&sig=${sig}`;
}

/** A URL is valid strictly before its expiry instant. */
export function verifyFileUrl(
  secret: Uint8Array,
  taskId: string,
  expires: string | null,
  sig: string | null,
  now: number,
): UrlCheck {
  if (expires === null || sig === null || !/^-?\d{1,16}$/.test(expires))
    return { ok: false, error: 'malformed' };
  const expiresAt = Number(expires);
  const given = Buffer.from(sig, 'base64url');
  const wanted = signature(secret, taskId, expiresAt);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { ok: false, error: 'bad-signature' };
  }
  return now >= expiresAt ? { ok: false, error: 'expired' } : { ok: true };
}
