import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
export const GENERATION_ID = /^gen_[0-9a-hjkmnp-tv-z]{26}$/;

/**
 * `gen_` + a ULID (48-bit milliseconds + 80 random bits) in lower-case Crockford base32: sortable
 * by creation time in Redis listings and the dashboard, and free of the `:` BullMQ rejects in ids.
 */
export function newGenerationId(now: number = Date.now()): string {
  return `gen_${ulid(now)}`;
}

/** A ULID in lower-case Crockford base32 (26 characters): the body of generation and batch ids. */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${time}${rand}`;
}

export function isGenerationId(value: unknown): value is string {
  return typeof value === 'string' && GENERATION_ID.test(value);
}
