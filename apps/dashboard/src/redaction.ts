import { scrubString } from '@reelay/core';

/**
 * Redaction of everything the dashboard shows: job data, return values, failed reasons, stack
 * traces, logs and status records. Core's scrubString removes bearer tokens, webhook secrets and
 * the signature parts of signed URLs inside any text; on top of that, values under secret-looking
 * keys are dropped whole and passwords in URLs (`https://user:pass@host`) are masked.
 *
 * Unlike core's log scrubber this has no depth at which it gives up and passes a value through:
 * what is nested deeper than MAX_DEPTH is replaced, not shown.
 */
export const REDACTED = '[redacted]';
const MAX_DEPTH = 32;
const SECRET_KEY = /pass(?:word|wd)|secret|token|authorization|api[-_]?key|signature|cookie|credential/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]*:)[^@/\s"]+@/gi;

export function redactText(text: string): string {
  return scrubString(text).replace(URL_PASSWORD, `$1${REDACTED}@`);
}

export function redactForDisplay<T>(value: T): T {
  return redact(value, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return `${REDACTED} (nested too deep)`;
  if (seen.has(value)) return `${REDACTED} (circular)`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
    const source = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? toPlain(value) : value;
    if (source === null || typeof source !== 'object') return redact(source, depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source))
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Dates and other objects with toJSON are shown as they would be serialized. */
function toPlain(value: object): unknown {
  return (value as { toJSON: () => unknown }).toJSON();
}
