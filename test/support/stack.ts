import { randomBytes, randomUUID } from 'node:crypto';
import type { GenerationState, GenerationStatus } from '@reelay/contracts';
import { createLogger, type ReelayConfig } from '@reelay/core';
import { type LocalS3, startS3, startWebhookReceiver, type WebhookReceiver } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { createSimulator, type Simulator, type SimulatorConfig } from 'simulator';
import { loadWorkerConfig, type RunningWorker, startWorker } from 'worker';
import { deletePrefix } from './cleanup.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const BUCKET = 'reelay-test';

export type Stack = {
  prefix: string;
  config: ReelayConfig;
  sim: Simulator;
  s3: LocalS3;
  receiver: WebhookReceiver;
  producer: Producer;
  worker: RunningWorker;
  redis: Redis;
  secret: string;
  /** Waits until the generation is in one of `states` (checked every 20 ms), or fails with its last status. */
  waitForState(
    id: string,
    states: GenerationState | GenerationState[],
    timeoutMs?: number,
  ): Promise<GenerationStatus>;
  close(): Promise<void>;
};

/**
 * The whole pipeline on real parts: Redis (REDIS_URL), the simulator over HTTP, s3rver, a
 * receiver that verifies every signature with the independent `standardwebhooks` package, and
 * one in-process worker running every stage. Each stack has its own key prefix.
 */
export async function startStack(
  opts: {
    sim?: Partial<SimulatorConfig>;
    env?: Record<string, string>;
    redisUrl?: string;
    olderSecrets?: string[];
  } = {},
): Promise<Stack> {
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const prefix = `e2e-${randomUUID().slice(0, 8)}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const apiKey = `sk-test-${randomUUID()}`;
  const sim = await createSimulator({ taskDurationMs: 30, seed: 7, apiKey, ...opts.sim });
  const s3 = await startS3({ buckets: [BUCKET] });
  const receiver = await startWebhookReceiver({ secrets: [secret] });
  const config = loadWorkerConfig({
    REDIS_URL: redisUrl,
    REELAY_QUEUE_PREFIX: prefix,
    VTRIX_BASE_URL: sim.url,
    VTRIX_API_KEY: apiKey,
    // The simulator serves its videos on loopback too.
    UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    // Rotation: the worker signs with every secret; the receiver knows only the newest.
    WEBHOOK_SIGNING_SECRET: [...(opts.olderSecrets ?? []), secret].join(','),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    // A loopback default is refused at start-up unless private networks are allowed, and the
    // stack's own producer (not the worker) is what applies it at enqueue.
    ...(opts.env?.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'false' ? {} : { WEBHOOK_DEFAULT_URL: receiver.url }),
    WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms,100ms',
    POLL_INITIAL_DELAY_MS: '40',
    POLL_MAX_DELAY_MS: '150',
    POLL_DEADLINE_MS: '30000',
    SUBMIT_RATE_PER_SEC: '0',
    SUBMIT_CONCURRENCY: '8',
    SINK_CONCURRENCY: '4',
    METRICS_PORT: '0',
    ...opts.env,
  });
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const worker = startWorker(config, log, {
    s3: {
      client: s3.client(),
      bucket: BUCKET,
      keyPrefix: config.s3.keyPrefix,
      partSizeBytes: config.s3.partSizeBytes,
    },
  });
  const producer = createProducer({
    generationDeadlineMs: config.generationDeadlineMs,
    redisUrl,
    prefix,
    allowPrivateNetworks: true,
    webhookDefaultUrl: receiver.url,
  });
  const redis = new Redis(redisUrl);

  return {
    prefix,
    config,
    sim,
    s3,
    receiver,
    producer,
    worker,
    redis,
    secret,
    async waitForState(id, states, timeoutMs = 20_000) {
      const wanted = Array.isArray(states) ? states : [states];
      const deadline = Date.now() + timeoutMs;
      let last: GenerationStatus | undefined;
      while (Date.now() < deadline) {
        last = await producer.getStatus(id);
        if (last && wanted.includes(last.state)) return last;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(
        `${id} did not reach ${wanted.join('|')} in ${timeoutMs} ms; last status: ${JSON.stringify(last, null, 1)}`,
      );
    },
    async close() {
      await worker.close(5_000);
      await producer.close();
      await Promise.all([sim.close(), s3.stop(), receiver.stop()]);
      await redis.quit();
      await deletePrefix(redisUrl, prefix);
    },
  };
}
