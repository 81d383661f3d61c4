import { describe, expect, it } from 'vitest';
import { createProducer } from './producer.ts';
import { defaultWebhookUrlProblem } from './validate.ts';

// Nothing listens here: a producer that got past its checks would connect and retry, never throw.
const redisUrl = 'redis://127.0.0.1:1';

describe('webhookDefaultUrl', () => {
  it('is refused by createProducer, before any connection, when the SSRF check refuses it', () => {
    expect(() => createProducer({ redisUrl, webhookDefaultUrl: 'https://169.254.169.254/latest' })).toThrow(
      expect.objectContaining({
        code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS',
        message: expect.stringMatching(
          /^createProducer: webhookDefaultUrl: webhook host 169\.254\.169\.254 is in a blocked address range/,
        ),
      }),
    );
    expect(() => createProducer({ redisUrl, webhookDefaultUrl: 'http://hooks.example.com/' })).toThrow(
      /webhookDefaultUrl: webhook URL must use https/,
    );
  });

  it('follows allowPrivateNetworks like any webhook target', () => {
    expect(defaultWebhookUrlProblem('https://169.254.169.254/latest', true)).toBeUndefined();
    expect(defaultWebhookUrlProblem('http://127.0.0.1:9000/hook', true)).toBeUndefined();
    expect(defaultWebhookUrlProblem('https://hooks.example.com/in', false)).toBeUndefined();
    expect(defaultWebhookUrlProblem(undefined, false)).toBeUndefined();
    expect(defaultWebhookUrlProblem('https://user:pw@hooks.example.com/', true)).toMatchObject({
      code: 'REELAY_WEBHOOK_URL_CREDENTIALS',
    });
  });
});
