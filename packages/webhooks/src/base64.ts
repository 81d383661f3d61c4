/**
 * Strict standard base64 (RFC 4648 §4, padded). Node's decoder skips junk, tolerates
 * missing padding and ignores the unused bits of the last character, so different
 * strings decode to the same bytes; a signature check built on it would accept altered
 * signatures. This accepts only the canonical spelling and returns undefined otherwise.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
