import { ERRORS } from '@reelay/contracts';
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

  it('parseRetryAfter is the strict RFC 9110 reading (the cases: contracts retry-after.test.ts)', () => {
    const now = Date.parse('2025-01-15T12:00:00Z');
    expect(webhooks.parseRetryAfter('7', now)).toBe(7000);
    expect(webhooks.parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(webhooks.parseRetryAfter(null, now)).toBeUndefined();
    for (const lenientOnly of ['-5', '1.5', '99999999999', 'Wed, 15 Jan 2025 12:00:30 UTC']) {
      expect(webhooks.parseRetryAfter(lenientOnly, now)).toBeUndefined();
    }
  });

  it('describes each code with its meaning in the contracts catalogue', () => {
    expect(webhooks.WEBHOOK_DELIVERY_CODES.REELAY_WEBHOOK_TLS_ERROR).toBe(
      ERRORS.REELAY_WEBHOOK_TLS_ERROR.meaning,
    );
    expect(new webhooks.WebhookSigningError('REELAY_WEBHOOK_INVALID_INPUT').message).toBe(
      ERRORS.REELAY_WEBHOOK_INVALID_INPUT.meaning,
    );
  });
});
