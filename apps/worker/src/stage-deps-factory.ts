import {
  createBatchStore,
  createLifecycle,
  createMetrics,
  createQueues,
  createStatusStore,
  createUpstreamPause,
  type Logger,
  type ReelayConfig,
} from '@reelay/core';
import { createVtrixClient } from '@reelay/vtrix';
import { createWebhookSender } from '@reelay/webhooks';
import type { Redis } from 'ioredis';
import type { StageDeps } from './deps.ts';
import { instrumentVtrix } from './instrumented-vtrix.ts';
import { createS3Client } from './s3-client.ts';
import { createUpstreamGate } from './upstream-gate.ts';
import { createVideoDownloads } from './video-downloads.ts';
import { deliveryPolicy } from './worker-config.ts';

/** Builds the real dependencies from configuration; `close` releases what it opened. */
export function createStageDeps(
  config: ReelayConfig,
  redis: Redis,
  log: Logger,
  overrides: Partial<StageDeps> = {},
): StageDeps & { close(): Promise<void> } {
  const policy = deliveryPolicy(config);
  const queues =
    overrides.queues ??
    createQueues(redis, config.prefix, { notifyAttempts: policy.scheduleMs.length + 1, retry: config.retry });
  const metrics = overrides.metrics ?? createMetrics();
  const rawVtrix =
    overrides.vtrix ??
    createVtrixClient({
      baseUrl: config.vtrix.baseUrl,
      ...(config.vtrix.apiKey ? { apiKey: config.vtrix.apiKey } : {}),
      model: config.vtrix.model,
      headersTimeoutMs: config.vtrix.timeoutMs,
      bodyTimeoutMs: config.vtrix.timeoutMs,
    });
  const s3Client = createS3Client(config.s3);
  const downloads =
    overrides.downloads ?? createVideoDownloads({ allowPrivateNetworks: config.video.allowPrivateNetworks });
  const now = overrides.now ?? Date.now;
  const random = overrides.random ?? Math.random;
  const sender = createWebhookSender({ allowPrivateNetworks: config.webhook.allowPrivateNetworks });
  const deps: StageDeps = {
    store: createStatusStore(redis, { prefix: config.prefix }),
    batches: createBatchStore(redis, { prefix: config.prefix }),
    lifecycle: createLifecycle(redis, queues, {
      prefix: config.prefix,
      recordRetentionS: config.recordRetentionS,
      idempotencyTtlS: config.idempotencyTtlS,
      generationDeadlineMs: config.generationDeadlineMs,
      poll: config.poll,
      maxInFlight: config.submit.maxInFlight,
      grantAhead: config.submit.grantAhead,
      now,
      random,
    }),
    queues,
    vtrix: instrumentVtrix(rawVtrix, metrics),
    metrics,
    s3: {
      client: s3Client,
      bucket: config.s3.bucket ?? '',
      keyPrefix: config.s3.keyPrefix,
      partSizeBytes: config.s3.partSizeBytes,
    },
    downloads,
    maxVideoBytes: config.video.maxBytes,
    webhook: {
      sender,
      secrets: config.webhook.signingSecrets,
      policy,
      presignTtlS: config.webhook.presignTtlS,
    },
    poll: config.poll,
    maxInFlight: config.submit.maxInFlight,
    uncertainSubmit: config.submit.uncertain,
    upstream: createUpstreamGate(
      createUpstreamPause(redis, { prefix: config.prefix, now }),
      config.submit.pauseProbeMs,
      now,
    ),
    log,
    now,
    random,
    ...overrides,
  };
  return {
    ...deps,
    async close() {
      await Promise.allSettled([rawVtrix.close(), sender.close(), downloads.close()]);
      s3Client.destroy();
    },
  };
}
