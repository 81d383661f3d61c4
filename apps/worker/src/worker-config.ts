import { loadConfig, type ReelayConfig, workerRequirements } from '@reelay/core';
import { parseSigningSecrets } from '@reelay/webhooks';

/** The worker's configuration: core's schema plus the rules only the worker's packages know. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): ReelayConfig {
  return loadConfig(env, [
    workerRequirements,
    (c) => {
      if (!c.webhook.signingSecrets.length) return [];
      const parsed = parseSigningSecrets(c.webhook.signingSecrets.join(','));
      return parsed.ok ? [] : [`WEBHOOK_SIGNING_SECRET: ${parsed.error}`];
    },
  ]);
}
