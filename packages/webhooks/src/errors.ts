/**
 * The codes of @reelay/webhooks, grouped by where they arise. Each code is defined once, in
 * the catalogue of @reelay/contracts (ERRORS: kind, meaning); the maps below are views of it,
 * code → meaning. Callers branch on `code`, never on message text. Messages never contain
 * secrets or request headers (they hold signatures).
 */
import { brandError, ERRORS, type ReelayErrorCode } from '@reelay/contracts';

type Meanings<C extends ReelayErrorCode> = { readonly [K in C]: string };

function meaningsOf<const C extends readonly ReelayErrorCode[]>(codes: C): Meanings<C[number]> {
  return Object.freeze(Object.fromEntries(codes.map((code) => [code, ERRORS[code].meaning]))) as Meanings<
    C[number]
  >;
}

/** Codes thrown by `verifyWebhook` / returned by `verifySignature`. */
export const WEBHOOK_VERIFICATION_CODES = meaningsOf([
  'REELAY_WEBHOOK_INVALID_SECRET',
  'REELAY_WEBHOOK_MISSING_HEADERS',
  'REELAY_WEBHOOK_INVALID_HEADER',
  'REELAY_WEBHOOK_INVALID_TIMESTAMP',
  'REELAY_WEBHOOK_TIMESTAMP_TOO_OLD',
  'REELAY_WEBHOOK_TIMESTAMP_TOO_NEW',
  'REELAY_WEBHOOK_NO_SUPPORTED_SIGNATURE',
  'REELAY_WEBHOOK_SIGNATURE_MISMATCH',
  'REELAY_WEBHOOK_INVALID_BODY',
]);
export type WebhookVerificationCode = keyof typeof WEBHOOK_VERIFICATION_CODES;

/** Codes of a refused webhook URL (`checkWebhookUrl`) or a refused resolved address. */
export const WEBHOOK_URL_CODES = meaningsOf([
  'REELAY_WEBHOOK_INVALID_URL',
  'REELAY_WEBHOOK_UNSUPPORTED_SCHEME',
  'REELAY_WEBHOOK_INSECURE_URL',
  'REELAY_WEBHOOK_URL_CREDENTIALS',
  'REELAY_WEBHOOK_BLOCKED_HOST',
  'REELAY_WEBHOOK_BLOCKED_ADDRESS',
]);
export type WebhookUrlCode = keyof typeof WEBHOOK_URL_CODES;

/** Codes in a `DeliveryOutcome.error` besides the URL codes. */
export const WEBHOOK_DELIVERY_CODES = meaningsOf([
  'REELAY_WEBHOOK_HTTP_STATUS',
  'REELAY_WEBHOOK_REDIRECT',
  'REELAY_WEBHOOK_TIMEOUT',
  'REELAY_WEBHOOK_CONNECT_TIMEOUT',
  'REELAY_WEBHOOK_CONNECTION_REFUSED',
  'REELAY_WEBHOOK_CONNECTION_RESET',
  'REELAY_WEBHOOK_DNS_FAILURE',
  'REELAY_WEBHOOK_TLS_ERROR',
  'REELAY_WEBHOOK_NETWORK_ERROR',
]);
export type WebhookDeliveryCode = WebhookUrlCode | keyof typeof WEBHOOK_DELIVERY_CODES;

/** Thrown by `sign`, `signatureHeader` and `webhookHeaders` on a bad secret or input. */
export const WEBHOOK_SIGNING_CODES = meaningsOf([
  'REELAY_WEBHOOK_INVALID_SECRET',
  'REELAY_WEBHOOK_INVALID_INPUT',
]);
export type WebhookSigningCode = keyof typeof WEBHOOK_SIGNING_CODES;

// Brands (brandError) make `isX` checks survive duplicate installs of this package, where
// `instanceof` would not.

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  readonly code: WebhookVerificationCode;
  /** `message` defaults to the code's meaning in the catalogue. */
  constructor(code: WebhookVerificationCode, message: string = ERRORS[code].meaning) {
    super(message);
    this.code = code;
  }
  static is(value: unknown): value is WebhookVerificationError {
    return isVerificationError(value);
  }
}
const isVerificationError = brandError('webhooks.WebhookVerificationError', WebhookVerificationError);

export class WebhookSigningError extends Error {
  override name = 'WebhookSigningError';
  readonly code: WebhookSigningCode;
  /** `message` defaults to the code's meaning in the catalogue. */
  constructor(code: WebhookSigningCode, message: string = ERRORS[code].meaning) {
    super(message);
    this.code = code;
  }
  static is(value: unknown): value is WebhookSigningError {
    return isSigningError(value);
  }
}
const isSigningError = brandError('webhooks.WebhookSigningError', WebhookSigningError);

/**
 * Raised inside the connection path (guarded lookup / connector) when a host resolves to a
 * blocked range. `address` is for operator logs; the message leaves it out so that a
 * delivery outcome shown to whoever configured the URL does not map internal DNS.
 */
export class WebhookBlockedAddressError extends Error {
  override name = 'WebhookBlockedAddressError';
  readonly code = 'REELAY_WEBHOOK_BLOCKED_ADDRESS' satisfies WebhookUrlCode;
  readonly hostname: string;
  readonly address: string;
  readonly range: string;
  constructor(hostname: string, address: string, range: string) {
    super(`webhook host ${hostname} resolves to a blocked address range (${range})`);
    this.hostname = hostname;
    this.address = address;
    this.range = range;
  }
  static is(value: unknown): value is WebhookBlockedAddressError {
    return isBlockedAddressError(value);
  }
}
const isBlockedAddressError = brandError('webhooks.WebhookBlockedAddressError', WebhookBlockedAddressError);
