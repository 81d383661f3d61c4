import { ConfigError, loadConfig, webhookDefaultUrlCheck } from '@reelay/core';
import { createProducer, type Producer } from '@reelay/producer';
import { checkWebhookUrl } from '@reelay/webhooks';

/** A producer configured from the environment, or a printed config error and undefined. */
export function producerFromEnv(): Producer | undefined {
  try {
    const c = loadConfig(process.env, [webhookDefaultUrlCheck(checkWebhookUrl)]);
    return createProducer({
      redisUrl: c.redisUrl,
      commandTimeoutMs: c.redisCommandTimeoutMs,
      prefix: c.prefix,
      allowPrivateNetworks: c.webhook.allowPrivateNetworks,
      idempotencyTtlS: c.idempotencyTtlS,
      recordRetentionS: c.recordRetentionS,
      retry: c.retry,
      generationDeadlineMs: c.generationDeadlineMs,
      // The estimate `reelay enqueue` reserves against the tenant's budget.
      pricesUsdPerSecond: c.pricesUsdPerSecond,
      ...(c.webhook.defaultUrl ? { webhookDefaultUrl: c.webhook.defaultUrl } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`reelay: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}
