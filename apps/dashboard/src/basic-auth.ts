import { createHash, timingSafeEqual } from 'node:crypto';

export const REALM = 'reelay';
export const WWW_AUTHENTICATE = `Basic realm="${REALM}"`;

export type Credentials = { user: string; password: string };

/** Reads an `Authorization: Basic …` header (RFC 7617); undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const match = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * True when the header carries exactly the expected user and password. Both are compared, in
 * constant time, whatever the outcome of the first, so timing tells neither which part was
 * wrong nor how long the right ones are (each side is hashed to a fixed length first).
 */
export function basicAuthMatches(header: string | undefined, expected: Credentials): boolean {
  const given = parseBasicAuth(header);
  const userOk = sameSecret(given?.user ?? '', expected.user);
  const passwordOk = sameSecret(given?.password ?? '', expected.password);
  return given !== undefined && userOk && passwordOk;
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
