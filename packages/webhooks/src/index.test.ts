import { describe, expect, it } from 'vitest';
import * as webhooks from './index.ts';

describe('@reelay/webhooks public API', () => {
  it('exports exactly these runtime values', () => {
    // A change here is a change to the package contract: update the report and callers.
    expect(Object.keys(webhooks).sort()).toEqual(
      [
        'DEFAULT_DELIVERY_POLICY',
        'DEFAULT_DELIVERY_SCHEDULE_MS',
        'DEFAULT_TOLERANCE_SEC',
        'MAX_SIGNING_KEY_BYTES',
        'MIN_SIGNING_KEY_BYTES',
        'WEBHOOK_DELIVERY_CODES',
        'WEBHOOK_SIGNING_CODES',
        'WEBHOOK_URL_CODES',
        'WEBHOOK_VERIFICATION_CODES',
        'WebhookBlockedAddressError',
        'WebhookSigningError',
        'WebhookVerificationError',
        'checkWebhookUrl',
        'classifyDeliveryError',
        'createGuardedConnector',
        'createGuardedLookup',
        'createWebhookSender',
        'decideDelivery',
        'isBlockedAddress',
        'isSuccessStatus',
        'parseDeliverySchedule',
        'parseRetryAfter',
        'parseSigningSecret',
        'parseSigningSecrets',
        'resolveWithSystem',
        'screenResolvedAddresses',
        'sign',
        'signatureHeader',
        'statusError',
        'verifySignature',
        'verifyWebhook',
        'webhookHeaders',
      ].sort(),
    );
  });

  it('every code is REELAY_WEBHOOK_* and described', () => {
    const catalogues = [
      webhooks.WEBHOOK_VERIFICATION_CODES,
      webhooks.WEBHOOK_URL_CODES,
      webhooks.WEBHOOK_DELIVERY_CODES,
      webhooks.WEBHOOK_SIGNING_CODES,
    ];
    for (const catalogue of catalogues) {
      for (const [code, description] of Object.entries(catalogue)) {
        expect(code).toMatch(/^REELAY_WEBHOOK_[A-Z_]+$/);
        expect(description.length).toBeGreaterThan(10);
      }
    }
  });
});
