import { describe, expect, it } from 'vitest';
import { classifyDeliveryError, statusError } from './delivery-error.ts';
import { WebhookBlockedAddressError } from './errors.ts';

const withCode = (code: string, cause?: unknown) => Object.assign(new Error(`e ${code}`), { code, cause });
const ctx = { timedOut: false, timeoutMs: 15_000 };

describe('classifyDeliveryError', () => {
  it.each([
    [withCode('ECONNREFUSED'), 'REELAY_WEBHOOK_CONNECTION_REFUSED'],
    [withCode('ECONNRESET'), 'REELAY_WEBHOOK_CONNECTION_RESET'],
    [withCode('UND_ERR_SOCKET', withCode('ECONNRESET')), 'REELAY_WEBHOOK_CONNECTION_RESET'],
    [withCode('UND_ERR_SOCKET'), 'REELAY_WEBHOOK_CONNECTION_RESET'],
    [withCode('EPIPE'), 'REELAY_WEBHOOK_CONNECTION_RESET'],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'REELAY_WEBHOOK_TIMEOUT'],
    [withCode('UND_ERR_BODY_TIMEOUT'), 'REELAY_WEBHOOK_TIMEOUT'],
    [withCode('UND_ERR_CONNECT_TIMEOUT'), 'REELAY_WEBHOOK_CONNECT_TIMEOUT'],
    [withCode('ENOTFOUND'), 'REELAY_WEBHOOK_DNS_FAILURE'],
    [withCode('EAI_AGAIN'), 'REELAY_WEBHOOK_DNS_FAILURE'],
    [withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'REELAY_WEBHOOK_TLS_ERROR'],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'REELAY_WEBHOOK_TLS_ERROR'],
    [withCode('CERT_HAS_EXPIRED'), 'REELAY_WEBHOOK_TLS_ERROR'],
    [
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      'REELAY_WEBHOOK_CONNECTION_REFUSED',
    ],
    [withCode('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'REELAY_WEBHOOK_NETWORK_ERROR'],
    [new TypeError('weird'), 'REELAY_WEBHOOK_NETWORK_ERROR'],
    ['a string', 'REELAY_WEBHOOK_NETWORK_ERROR'],
  ])('maps %o to %s', (err, code) => {
    expect(classifyDeliveryError(err, ctx).code).toBe(code);
  });

  it('keeps the guard error as it is', () => {
    const err = new WebhookBlockedAddressError('h.example.com', '10.0.0.5', 'private');
    expect(classifyDeliveryError(err, ctx)).toEqual({
      code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS',
      message: 'webhook host h.example.com resolves to a blocked address range (private)',
    });
  });

  it('calls anything a timeout once the total deadline has passed', () => {
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyDeliveryError(reason, { timedOut: true, timeoutMs: 250 })).toEqual({
      code: 'REELAY_WEBHOOK_TIMEOUT',
      message: 'no complete response within 250 ms',
    });
  });
});

describe('statusError', () => {
  it('is undefined for 2xx, REDIRECT for 3xx, HTTP_STATUS otherwise', () => {
    expect(statusError(200)).toBeUndefined();
    expect(statusError(299)).toBeUndefined();
    expect(statusError(301)?.code).toBe('REELAY_WEBHOOK_REDIRECT');
    expect(statusError(308)?.code).toBe('REELAY_WEBHOOK_REDIRECT');
    expect(statusError(410)).toEqual({
      code: 'REELAY_WEBHOOK_HTTP_STATUS',
      message: 'receiver answered 410',
    });
    expect(statusError(500)?.code).toBe('REELAY_WEBHOOK_HTTP_STATUS');
  });
});
