// The one Retry-After parser (strict RFC 9110), re-exported under the name this package always had.
export { parseRetryAfter } from '@reelay/contracts';
export { type BlockedVerdict, isBlockedAddress } from './blocked-address.ts';
export { classifyDeliveryError, type DeliveryError, statusError } from './delivery-error.ts';
export type { DeliveryOutcome } from './delivery-outcome.ts';
export {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryDecision,
  type DeliveryPolicy,
  decideDelivery,
  isSuccessStatus,
} from './delivery-policy.ts';
export {
  DEFAULT_DELIVERY_SCHEDULE_MS,
  type ParsedDeliverySchedule,
  parseDeliverySchedule,
} from './delivery-schedule.ts';
export {
  WEBHOOK_DELIVERY_CODES,
  WEBHOOK_SIGNING_CODES,
  WEBHOOK_URL_CODES,
  WEBHOOK_VERIFICATION_CODES,
  WebhookBlockedAddressError,
  type WebhookDeliveryCode,
  type WebhookSigningCode,
  WebhookSigningError,
  type WebhookUrlCode,
  type WebhookVerificationCode,
  WebhookVerificationError,
} from './errors.ts';
export { createGuardedConnector, type GuardedConnectorOptions } from './guarded-connector.ts';
export {
  createGuardedLookup,
  type GuardedLookupOptions,
  type ResolvedAddress,
  type ResolveHost,
  resolveWithSystem,
  screenResolvedAddresses,
} from './guarded-lookup.ts';
export {
  type SignInput,
  type SigningSecret,
  type SigningSecrets,
  sign,
  signatureHeader,
  type WebhookHeaders,
  webhookHeaders,
} from './sign.ts';
export type { WebhookBody } from './signed-content.ts';
export {
  MAX_SIGNING_KEY_BYTES,
  MIN_SIGNING_KEY_BYTES,
  type ParsedSigningSecret,
  type ParsedSigningSecrets,
  parseSigningSecret,
  parseSigningSecrets,
} from './signing-secret.ts';
export {
  DEFAULT_TOLERANCE_SEC,
  type ReceivedHeaders,
  type VerificationSecrets,
  type VerifyOptions,
  type VerifySignatureResult,
  verifySignature,
  verifyWebhook,
} from './verify.ts';
export {
  createWebhookSender,
  type WebhookRequest,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.ts';
export { checkWebhookUrl, type WebhookUrlCheck, type WebhookUrlOptions } from './webhook-url.ts';
