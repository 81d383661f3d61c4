/**
 * Scrubs secrets out of strings before they reach a log line: bearer tokens, webhook secrets,
 * and the signature parts of presigned or signed URLs. Structured fields with secret names are
 * also covered by pino's redact paths (logger.ts); this catches secrets inside free text, such
 * as a URL in an error message.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  [
    /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|signature|token|access_token)=)[^&#\s"]+/gi,
    '$1[redacted]',
  ],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  // An Error's message and stack are not enumerable: copy them by name, or they vanish.
  if (value instanceof Error) {
    const own = scrubSecrets({ ...value }, depth + 1) as Record<string, unknown>;
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: scrubString(value.stack ?? ''),
      ...own,
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubSecrets(v, depth + 1);
  return out;
}
