/**
 * The error catalogue of @reelay/webhooks: every stable code this package produces, once.
 * Callers branch on `code`, never on message text. Messages never contain secrets or
 * request headers (they hold signatures).
 */

/** Codes thrown by `verifyWebhook` / returned by `verifySignature`. */
export const WEBHOOK_VERIFICATION_CODES = {
  REELAY_WEBHOOK_INVALID_SECRET: 'a verification secret is empty or not base64',
  REELAY_WEBHOOK_MISSING_HEADERS: 'webhook-id, webhook-timestamp or webhook-signature is absent or empty',
  REELAY_WEBHOOK_INVALID_HEADER: 'a webhook header is repeated where one value is required',
  REELAY_WEBHOOK_INVALID_TIMESTAMP: 'webhook-timestamp is not an integer of ASCII digits',
  REELAY_WEBHOOK_TIMESTAMP_TOO_OLD: 'webhook-timestamp is older than the tolerance',
  REELAY_WEBHOOK_TIMESTAMP_TOO_NEW: 'webhook-timestamp is further in the future than the tolerance',
  REELAY_WEBHOOK_NO_SUPPORTED_SIGNATURE: 'webhook-signature holds no v1 signature',
  REELAY_WEBHOOK_SIGNATURE_MISMATCH: 'no v1 signature matches any secret',
  REELAY_WEBHOOK_INVALID_BODY: 'the verified body is not UTF-8 JSON',
} as const;
export type WebhookVerificationCode = keyof typeof WEBHOOK_VERIFICATION_CODES;

/** Codes of a refused webhook URL (`checkWebhookUrl`) or a refused resolved address. */
export const WEBHOOK_URL_CODES = {
  REELAY_WEBHOOK_INVALID_URL: 'the webhook URL does not parse or is too long',
  REELAY_WEBHOOK_UNSUPPORTED_SCHEME: 'the webhook URL scheme is neither https nor http',
  REELAY_WEBHOOK_INSECURE_URL: 'http is allowed only with allowPrivateNetworks',
  REELAY_WEBHOOK_URL_CREDENTIALS: 'the webhook URL carries a username or password',
  REELAY_WEBHOOK_BLOCKED_HOST: 'the webhook host is a name reserved for this machine (localhost)',
  REELAY_WEBHOOK_BLOCKED_ADDRESS: 'the webhook host is, or resolves to, a blocked address range',
} as const;
export type WebhookUrlCode = keyof typeof WEBHOOK_URL_CODES;

/** Codes in a `DeliveryOutcome.error` besides the URL codes. */
export const WEBHOOK_DELIVERY_CODES = {
  REELAY_WEBHOOK_HTTP_STATUS: 'the receiver answered with a non-2xx status',
  REELAY_WEBHOOK_REDIRECT: 'the receiver answered 3xx; redirects are never followed',
  REELAY_WEBHOOK_TIMEOUT: 'no complete response within the total deadline',
  REELAY_WEBHOOK_CONNECT_TIMEOUT: 'the TCP/TLS connection was not established in time',
  REELAY_WEBHOOK_CONNECTION_REFUSED: 'the receiver refused the connection',
  REELAY_WEBHOOK_CONNECTION_RESET: 'the connection was reset or closed before a response',
  REELAY_WEBHOOK_DNS_FAILURE: 'the webhook host did not resolve',
  REELAY_WEBHOOK_TLS_ERROR: 'the TLS handshake or certificate check failed',
  REELAY_WEBHOOK_NETWORK_ERROR: 'any other transport failure',
} as const;
export type WebhookDeliveryCode = WebhookUrlCode | keyof typeof WEBHOOK_DELIVERY_CODES;

/** Thrown by `sign`, `signatureHeader` and `webhookHeaders` on a bad secret or input. */
export const WEBHOOK_SIGNING_CODES = {
  REELAY_WEBHOOK_INVALID_SECRET: 'a signing secret breaks the whsec_ / base64 / 24–64 byte rule',
  REELAY_WEBHOOK_INVALID_INPUT: 'the message id is empty or the timestamp is not whole seconds',
} as const;
export type WebhookSigningCode = keyof typeof WEBHOOK_SIGNING_CODES;

// Symbol.for brands make `isX` checks survive duplicate installs of this package, where
// `instanceof` would not (the same trick undici uses for its errors).
const verificationBrand = Symbol.for('reelay.webhooks.WebhookVerificationError');
const signingBrand = Symbol.for('reelay.webhooks.WebhookSigningError');
const blockedBrand = Symbol.for('reelay.webhooks.WebhookBlockedAddressError');

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  readonly code: WebhookVerificationCode;
  readonly [verificationBrand] = true;
  constructor(code: WebhookVerificationCode, message: string) {
    super(message);
    this.code = code;
  }
  static is(value: unknown): value is WebhookVerificationError {
    return typeof value === 'object' && value !== null && verificationBrand in value;
  }
}

export class WebhookSigningError extends Error {
  override name = 'WebhookSigningError';
  readonly code: WebhookSigningCode;
  readonly [signingBrand] = true;
  constructor(code: WebhookSigningCode, message: string) {
    super(message);
    this.code = code;
  }
  static is(value: unknown): value is WebhookSigningError {
    return typeof value === 'object' && value !== null && signingBrand in value;
  }
}

/**
 * Raised inside the connection path (guarded lookup / connector) when a host resolves to a
 * blocked range. `address` is for operator logs; the message leaves it out so that a
 * delivery outcome shown to whoever configured the URL does not map internal DNS.
 */
export class WebhookBlockedAddressError extends Error {
  override name = 'WebhookBlockedAddressError';
  readonly code = 'REELAY_WEBHOOK_BLOCKED_ADDRESS';
  readonly hostname: string;
  readonly address: string;
  readonly range: string;
  readonly [blockedBrand] = true;
  constructor(hostname: string, address: string, range: string) {
    super(`webhook host ${hostname} resolves to a blocked address range (${range})`);
    this.hostname = hostname;
    this.address = address;
    this.range = range;
  }
  static is(value: unknown): value is WebhookBlockedAddressError {
    return typeof value === 'object' && value !== null && blockedBrand in value;
  }
}
