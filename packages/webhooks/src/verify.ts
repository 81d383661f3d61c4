/**
 * Verifying a received Standard Webhooks request. Strict on purpose: exact headers, an
 * ASCII-digit timestamp inside the tolerance both ways, canonical base64, only `v1`
 * entries considered, and a constant-time comparison of equal-length digests.
 * `verifySignature` answers `{ ok }`; `verifyWebhook` throws and returns the parsed body.
 */
import { timingSafeEqual } from 'node:crypto';
import { decodeBase64Strict } from './base64.ts';
import { type WebhookVerificationCode, WebhookVerificationError } from './errors.ts';
import { computeV1Signature, type WebhookBody } from './signed-content.ts';
import { parseVerificationSecret } from './signing-secret.ts';

export type ReceivedHeaders = Record<string, string | string[] | undefined> | Headers;
/** `whsec_…` strings (a comma-separated list counts as several) or raw keys. */
export type VerificationSecrets = string | Uint8Array | readonly (string | Uint8Array)[];

export interface VerifyOptions {
  /** Clock in milliseconds. @defaultValue Date.now */
  now?: () => number;
  /** Allowed distance between webhook-timestamp and now, either way. @defaultValue 300 */
  toleranceSec?: number;
}

export type VerifySignatureResult =
  | { ok: true }
  | { ok: false; error: { code: WebhookVerificationCode; message: string } };

export const DEFAULT_TOLERANCE_SEC = 300;
const V1_DIGEST_BYTES = 32;
const TIMESTAMP = /^[0-9]{1,15}$/;

type Failure = { ok: false; error: { code: WebhookVerificationCode; message: string } };
const fail = (code: WebhookVerificationCode, message: string): Failure => ({
  ok: false,
  error: { code, message },
});

/** One value per header name; undefined when absent or empty, 'repeated' when ambiguous. */
function readHeader(
  headers: ReceivedHeaders,
  name: string,
  joinRepeats: boolean,
): string | undefined | 'repeated' {
  let value: string | string[] | undefined | null;
  if (headers instanceof Headers) {
    value = headers.get(name);
  } else {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) {
    const present = value.filter((v) => v.trim() !== '');
    if (present.length > 1 && !joinRepeats) return 'repeated';
    value = present.join(' ');
  }
  if (value === undefined || value === null || value.trim() === '') return undefined;
  return value.trim();
}

function toKeys(secrets: VerificationSecrets): Uint8Array[] | Failure {
  const list = typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets;
  const keys: Uint8Array[] = [];
  for (const secret of list) {
    if (typeof secret !== 'string') {
      if (secret.length === 0) return fail('REELAY_WEBHOOK_INVALID_SECRET', 'verification key is empty');
      keys.push(secret);
      continue;
    }
    for (const part of secret.split(',')) {
      const parsed = parseVerificationSecret(part);
      if (!parsed.ok) return fail('REELAY_WEBHOOK_INVALID_SECRET', parsed.error);
      keys.push(parsed.key);
    }
  }
  if (keys.length === 0) return fail('REELAY_WEBHOOK_INVALID_SECRET', 'no verification secret given');
  return keys;
}

/** Checks headers, timestamp and signature of a received webhook without parsing its body. */
export function verifySignature(
  rawBody: WebhookBody,
  headers: ReceivedHeaders,
  secrets: VerificationSecrets,
  opts: VerifyOptions = {},
): VerifySignatureResult {
  const keys = toKeys(secrets);
  if (!Array.isArray(keys)) return keys;

  const id = readHeader(headers, 'webhook-id', false);
  const timestampText = readHeader(headers, 'webhook-timestamp', false);
  const signatures = readHeader(headers, 'webhook-signature', true);
  const missing = [
    id === undefined && 'webhook-id',
    timestampText === undefined && 'webhook-timestamp',
    signatures === undefined && 'webhook-signature',
  ].filter((name) => name !== false);
  if (missing.length > 0)
    return fail('REELAY_WEBHOOK_MISSING_HEADERS', `missing header: ${missing.join(', ')}`);
  if (id === 'repeated' || timestampText === 'repeated') {
    const name = id === 'repeated' ? 'webhook-id' : 'webhook-timestamp';
    return fail('REELAY_WEBHOOK_INVALID_HEADER', `${name} is repeated`);
  }
  // Narrowed for the compiler: the checks above exclude these.
  if (id === undefined || timestampText === undefined || signatures === undefined) {
    return fail('REELAY_WEBHOOK_MISSING_HEADERS', 'missing header');
  }

  if (!TIMESTAMP.test(timestampText)) {
    return fail(
      'REELAY_WEBHOOK_INVALID_TIMESTAMP',
      'webhook-timestamp must be whole seconds in ASCII digits',
    );
  }
  const timestamp = Number(timestampText);
  const tolerance = opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const nowSec = Math.floor((opts.now ?? Date.now)() / 1000);
  if (nowSec - timestamp > tolerance) {
    return fail(
      'REELAY_WEBHOOK_TIMESTAMP_TOO_OLD',
      `webhook-timestamp is more than ${tolerance}s in the past`,
    );
  }
  if (timestamp - nowSec > tolerance) {
    return fail(
      'REELAY_WEBHOOK_TIMESTAMP_TOO_NEW',
      `webhook-timestamp is more than ${tolerance}s in the future`,
    );
  }

  // Only v1 counts; other versions are skipped, as the spec asks of verifiers.
  const candidates: Buffer[] = [];
  let v1Entries = 0;
  for (const raw of signatures.split(/\s+/)) {
    // Node and fetch join a repeated header with ", "; drop that separator comma.
    const entry = raw.endsWith(',') && raw.indexOf(',') < raw.length - 1 ? raw.slice(0, -1) : raw;
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    v1Entries += 1;
    const digest = decodeBase64Strict(entry.slice(comma + 1));
    if (digest !== undefined && digest.length === V1_DIGEST_BYTES) candidates.push(digest);
  }
  if (v1Entries === 0) {
    return fail('REELAY_WEBHOOK_NO_SUPPORTED_SIGNATURE', 'webhook-signature holds no v1 signature');
  }
  // The signed content keeps the timestamp as received (digits only, so it equals the number).
  for (const key of keys) {
    const expected = computeV1Signature(key, id, timestampText, rawBody);
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) return { ok: true };
    }
  }
  const malformed = v1Entries - candidates.length;
  const detail = malformed > 0 ? ` (${malformed} of ${v1Entries} v1 entries malformed)` : '';
  return fail('REELAY_WEBHOOK_SIGNATURE_MISMATCH', `no v1 signature matches${detail}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a received webhook and returns its parsed JSON body.
 * @throws WebhookVerificationError with a stable `code`.
 */
export function verifyWebhook(
  rawBody: WebhookBody,
  headers: ReceivedHeaders,
  secrets: VerificationSecrets,
  opts: VerifyOptions = {},
): unknown {
  const result = verifySignature(rawBody, headers, secrets, opts);
  if (!result.ok) throw new WebhookVerificationError(result.error.code, result.error.message);
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody));
  } catch {
    throw new WebhookVerificationError('REELAY_WEBHOOK_INVALID_BODY', 'verified body is not UTF-8 JSON');
  }
}
