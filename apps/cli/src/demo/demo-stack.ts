import { randomBytes, randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { createLogger, type Logger, type ReelayConfig } from '@reelay/core';
import {
  deletePrefix,
  ensureRedis,
  type LocalS3,
  startS3,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { createSimulator, type Simulator } from 'simulator';
import { loadWorkerConfig, type RunningWorker, startWorker } from 'worker';

export type DemoStack = {
  config: ReelayConfig;
  producer: Producer;
  worker: RunningWorker;
  /** Present when the demo runs its own upstream, S3 and receiver (the embedded default). */
  sim?: Simulator;
  s3?: LocalS3;
  receiver?: WebhookReceiver;
  s3Client: S3Client;
  notes: string[];
  close(): Promise<void>;
};

/**
 * Stands up whatever the environment does not name: a Vtrix simulator unless VTRIX_BASE_URL
 * is set, s3rver unless S3_BUCKET is set, a verifying receiver unless WEBHOOK_DEFAULT_URL is
 * set, and Redis from REDIS_URL or a local redis-server. Then one worker and one producer.
 */
export async function startDemoStack(env: Record<string, string | undefined>): Promise<DemoStack> {
  const notes: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  const redis = await ensureRedis({ ...(env.REDIS_URL ? { url: env.REDIS_URL } : {}) });
  closers.push(() => redis.stop());
  notes.push(redis.started ? `redis: started redis-server at ${redis.url}` : `redis: ${redis.url}`);

  const overrides: Record<string, string> = { REDIS_URL: redis.url };
  let sim: Simulator | undefined;
  if (!env.VTRIX_BASE_URL) {
    const apiKey = `sk-demo-${randomUUID()}`;
    sim = await createSimulator({
      apiKey,
      taskDurationMs: 1_500,
      taskDurationJitterMs: 2_000,
      statusVariants: true,
      envelopeRate: 0.2,
    });
    closers.push(() => sim!.close());
    Object.assign(overrides, {
      VTRIX_BASE_URL: sim.url,
      VTRIX_API_KEY: apiKey,
      // The embedded simulator serves its videos on loopback too.
      UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
      POLL_INITIAL_DELAY_MS: env.POLL_INITIAL_DELAY_MS ?? '500',
      POLL_MAX_DELAY_MS: env.POLL_MAX_DELAY_MS ?? '1000',
    });
    notes.push(`upstream: embedded Vtrix simulator at ${sim.url}`);
  } else notes.push(`upstream: ${env.VTRIX_BASE_URL}`);

  let s3: LocalS3 | undefined;
  if (!env.S3_BUCKET) {
    s3 = await startS3({ buckets: ['reelay-demo'] });
    closers.push(() => s3!.stop());
    Object.assign(overrides, {
      S3_BUCKET: 'reelay-demo',
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    });
    notes.push(`s3: embedded s3rver at ${s3.endpoint}, bucket reelay-demo`);
  } else notes.push(`s3: bucket ${env.S3_BUCKET}${env.S3_ENDPOINT ? ` at ${env.S3_ENDPOINT}` : ''}`);

  let receiver: WebhookReceiver | undefined;
  if (!env.WEBHOOK_DEFAULT_URL) {
    const secret =
      env.WEBHOOK_SIGNING_SECRET?.split(',')[0]?.trim() || `whsec_${randomBytes(32).toString('base64')}`;
    receiver = await startWebhookReceiver({ secrets: [secret] });
    closers.push(() => receiver!.stop());
    Object.assign(overrides, {
      WEBHOOK_DEFAULT_URL: receiver.url,
      WEBHOOK_SIGNING_SECRET: env.WEBHOOK_SIGNING_SECRET ?? secret,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    notes.push(
      `webhooks: embedded receiver at ${receiver.url}, verifying every signature with the standardwebhooks package`,
    );
  } else notes.push(`webhooks: ${env.WEBHOOK_DEFAULT_URL}`);

  // A fresh prefix per run unless one is named: a demo never picks up another run's jobs.
  const prefix = env.REELAY_QUEUE_PREFIX ?? `reelay-demo-${Date.now().toString(36)}`;
  // A generated prefix is the demo's own: its keys go when it ends. A named one is kept.
  if (!env.REELAY_QUEUE_PREFIX) closers.splice(1, 0, () => deletePrefix(redis.url, prefix));
  const config = loadWorkerConfig({
    SUBMIT_RATE_PER_SEC: '0',
    METRICS_PORT: '0',
    ...env,
    ...overrides,
    REELAY_QUEUE_PREFIX: prefix,
  });
  const log: Logger = createLogger({ level: env.LOG_LEVEL ?? 'warn', name: 'reelay-demo' });
  const s3Client = s3 ? s3.client() : undefined;
  const worker = startWorker(
    config,
    log,
    s3Client
      ? {
          s3: {
            client: s3Client,
            bucket: 'reelay-demo',
            keyPrefix: config.s3.keyPrefix,
            partSizeBytes: config.s3.partSizeBytes,
          },
        }
      : {},
  );
  const producer = createProducer({
    generationDeadlineMs: config.generationDeadlineMs,
    redisUrl: config.redisUrl,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    prefix,
    allowPrivateNetworks: config.webhook.allowPrivateNetworks,
    ...(config.webhook.defaultUrl ? { webhookDefaultUrl: config.webhook.defaultUrl } : {}),
  });
  notes.push(`queues: prefix ${prefix}`);

  return {
    config,
    producer,
    worker,
    ...(sim ? { sim } : {}),
    ...(s3 ? { s3 } : {}),
    ...(receiver ? { receiver } : {}),
    s3Client: s3Client ?? worker.deps.s3.client,
    notes,
    async close() {
      await worker.close(5_000);
      await producer.close();
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
