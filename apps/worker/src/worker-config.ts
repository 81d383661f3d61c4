import { loadConfig, type ReelayConfig, webhookDefaultUrlCheck, workerRequirements } from '@reelay/core';
import {
  checkWebhookUrl,
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  parseDeliverySchedule,
  parseSigningSecrets,
} from '@reelay/webhooks';

/** The worker's configuration: core's schema plus the rules only the worker's packages know. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): ReelayConfig {
  return loadConfig(env, [
    workerRequirements,
    webhookDefaultUrlCheck(checkWebhookUrl),
    (c) => {
      if (!c.webhook.signingSecrets.length) return [];
      const parsed = parseSigningSecrets(c.webhook.signingSecrets.join(','));
      return parsed.ok ? [] : [`WEBHOOK_SIGNING_SECRET: ${parsed.error}`];
    },
    (c) => {
      if (!c.webhook.retrySchedule) return [];
      const parsed = parseDeliverySchedule(c.webhook.retrySchedule);
      return parsed.ok ? [] : [`WEBHOOK_RETRY_SCHEDULE: ${parsed.error}`];
    },
  ]);
}

/** The delivery policy: the default, with the configured schedule when one is set. */
export function deliveryPolicy(config: ReelayConfig): DeliveryPolicy {
  if (!config.webhook.retrySchedule) return DEFAULT_DELIVERY_POLICY;
  const parsed = parseDeliverySchedule(config.webhook.retrySchedule);
  if (!parsed.ok) throw new Error(`WEBHOOK_RETRY_SCHEDULE: ${parsed.error}`);
  return { ...DEFAULT_DELIVERY_POLICY, scheduleMs: parsed.scheduleMs };
}
