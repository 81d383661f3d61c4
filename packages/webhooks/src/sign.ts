/**
 * Producing Standard Webhooks signatures and the headers that carry them. Several
 * secrets give several space-separated `v1,…` entries, so receivers can rotate keys.
 * Throws `WebhookSigningError` (a configuration or programming error, never a delivery
 * outcome).
 */
import { WebhookSigningError } from './errors.ts';
import { computeV1Signature, type WebhookBody } from './signed-content.ts';
import { MAX_SIGNING_KEY_BYTES, MIN_SIGNING_KEY_BYTES, parseSigningSecret } from './signing-secret.ts';

/** A `whsec_…` string (a comma-separated list counts as several) or an already-parsed key. */
export type SigningSecret = string | Uint8Array;
export type SigningSecrets = SigningSecret | readonly SigningSecret[];

export interface SignInput {
  /** The event's stable `webhook-id` (receivers dedupe on it). */
  id: string;
  /** Unix time in whole seconds. */
  timestamp: number;
  /** The exact bytes or string that will be sent. */
  body: WebhookBody;
}

function toKeys(secrets: SigningSecrets): Uint8Array[] {
  const list: readonly SigningSecret[] =
    typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets;
  const keys: Uint8Array[] = [];
  list.forEach((secret, index) => {
    const where = list.length > 1 ? ` (secret #${index + 1})` : '';
    if (typeof secret !== 'string') {
      if (secret.length < MIN_SIGNING_KEY_BYTES || secret.length > MAX_SIGNING_KEY_BYTES) {
        const rule = `${MIN_SIGNING_KEY_BYTES}–${MAX_SIGNING_KEY_BYTES}`;
        throw new WebhookSigningError(
          'REELAY_WEBHOOK_INVALID_SECRET',
          `signing key must be ${rule} bytes (got ${secret.length})${where}`,
        );
      }
      keys.push(secret);
      return;
    }
    // A string may be a rotation list straight from WEBHOOK_SIGNING_SECRET; base64 has no commas.
    for (const part of secret.split(',')) {
      const parsed = parseSigningSecret(part);
      if (!parsed.ok) throw new WebhookSigningError('REELAY_WEBHOOK_INVALID_SECRET', parsed.error + where);
      keys.push(parsed.key);
    }
  });
  if (keys.length === 0)
    throw new WebhookSigningError('REELAY_WEBHOOK_INVALID_SECRET', 'no signing secret given');
  return keys;
}

function checkInput({ id, timestamp }: SignInput): void {
  if (id === '')
    throw new WebhookSigningError('REELAY_WEBHOOK_INVALID_INPUT', 'webhook id must not be empty');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new WebhookSigningError(
      'REELAY_WEBHOOK_INVALID_INPUT',
      'webhook timestamp must be a non-negative integer of seconds',
    );
  }
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function sign(input: SignInput & { secret: SigningSecret }): string {
  checkInput(input);
  const [key, ...rest] = toKeys(input.secret);
  if (key === undefined || rest.length > 0) {
    throw new WebhookSigningError(
      'REELAY_WEBHOOK_INVALID_SECRET',
      'sign takes exactly one secret; use signatureHeader for several',
    );
  }
  return `v1,${computeV1Signature(key, input.id, input.timestamp, input.body).toString('base64')}`;
}

/** The `webhook-signature` value: one `v1,…` per secret, space-separated. */
export function signatureHeader(secrets: SigningSecrets, input: SignInput): string {
  checkInput(input);
  return toKeys(secrets)
    .map((key) => `v1,${computeV1Signature(key, input.id, input.timestamp, input.body).toString('base64')}`)
    .join(' ');
}

// A type alias (not an interface) so it is assignable to Record<string, string>.
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/json';
};

/** Every header a Standard Webhooks request needs besides transport ones. */
export function webhookHeaders(input: SignInput & { secrets: SigningSecrets }): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatureHeader(input.secrets, input),
    'content-type': 'application/json',
  };
}
