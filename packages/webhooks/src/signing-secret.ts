/**
 * Signing secrets: `whsec_` followed by standard base64 of the HMAC key. Signing keeps to
 * the Standard Webhooks rule of 24–64 key bytes; verification computes any non-empty key
 * (receivers may hold older, shorter secrets). Errors name the broken rule and the
 * position, never the secret.
 */
import { decodeBase64Strict } from './base64.ts';

export const SIGNING_SECRET_PREFIX = 'whsec_';
export const MIN_SIGNING_KEY_BYTES = 24;
export const MAX_SIGNING_KEY_BYTES = 64;

export type ParsedSigningSecret = { ok: true; key: Buffer } | { ok: false; error: string };
export type ParsedSigningSecrets =
  | { ok: true; keys: Buffer[] }
  | { ok: false; error: string; problems: { position: number; error: string }[] };

function decodeSecret(value: string): ParsedSigningSecret {
  if (!value.startsWith(SIGNING_SECRET_PREFIX)) {
    return { ok: false, error: `signing secret must start with "${SIGNING_SECRET_PREFIX}"` };
  }
  const key = decodeBase64Strict(value.slice(SIGNING_SECRET_PREFIX.length));
  if (key === undefined) {
    return {
      ok: false,
      error: `signing secret must be standard base64 after "${SIGNING_SECRET_PREFIX}" (A-Z a-z 0-9 + /, = padding to a multiple of 4)`,
    };
  }
  if (key.length === 0) return { ok: false, error: 'signing secret has an empty key' };
  return { ok: true, key };
}

/** Parses one `whsec_…` secret for signing: the key must be 24–64 bytes. */
export function parseSigningSecret(value: string): ParsedSigningSecret {
  const decoded = decodeSecret(value.trim());
  if (!decoded.ok) return decoded;
  const bytes = decoded.key.length;
  if (bytes < MIN_SIGNING_KEY_BYTES || bytes > MAX_SIGNING_KEY_BYTES) {
    return {
      ok: false,
      error: `signing secret must decode to ${MIN_SIGNING_KEY_BYTES}–${MAX_SIGNING_KEY_BYTES} bytes (got ${bytes})`,
    };
  }
  return decoded;
}

/**
 * Parses a comma-separated list of secrets (rotation: sign with each). Every bad entry is
 * reported by its 1-based position.
 */
export function parseSigningSecrets(csv: string): ParsedSigningSecrets {
  if (csv.trim() === '') {
    return { ok: false, error: 'no signing secret given', problems: [] };
  }
  const keys: Buffer[] = [];
  const problems: { position: number; error: string }[] = [];
  csv.split(',').forEach((entry, index) => {
    const position = index + 1;
    if (entry.trim() === '') {
      problems.push({ position, error: 'entry is empty' });
      return;
    }
    const parsed = parseSigningSecret(entry);
    if (parsed.ok) keys.push(parsed.key);
    else problems.push({ position, error: parsed.error });
  });
  if (problems.length > 0) {
    const error = problems.map((p) => `secret #${p.position}: ${p.error}`).join('; ');
    return { ok: false, error, problems };
  }
  return { ok: true, keys };
}

/** Lenient parse for verification: any non-empty key; the prefix is still required. */
export function parseVerificationSecret(value: string): ParsedSigningSecret {
  return decodeSecret(value.trim());
}
