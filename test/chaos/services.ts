/**
 * The services a chaos run talks to, all on loopback and all owned by the run: redis-server with
 * AOF, the simulator (in process, faults on), s3rver, a verifying webhook receiver, the Vtrix
 * tap, a producer and a monitoring Redis connection. Each registers its stop with the teardown.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type LocalS3,
  type RedisServerProcess,
  startRedisServer,
  startS3,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { createSimulator, type Simulator } from 'simulator';
import { RECEIVER_FAIL_RATE, SIM_FAULTS } from './profiles.ts';
import { createRedisLinks, type RedisLinks } from './redis-link.ts';
import type { Teardown } from './teardown.ts';
import { createVtrixTap, type VtrixTap } from './vtrix-tap.ts';

export const BUCKET = 'reelay-chaos';
/** Generous attempts and short backoff: transient chaos must never exhaust a stage. */
export const STAGE_RETRY = { attempts: { submit: 20, poll: 20, sink: 20 }, backoffMs: 300 };

export type Services = {
  prefix: string;
  secret: string;
  apiKey: string;
  redis: RedisServerProcess;
  sim: Simulator;
  s3: LocalS3;
  receiver: WebhookReceiver;
  tap: VtrixTap;
  links: RedisLinks;
  producer: Producer;
  /** Waits out Redis restarts instead of failing (maxRetriesPerRequest: null). */
  monitor: Redis;
};

export async function startServices(seed: number, teardown: Teardown): Promise<Services> {
  const prefix = `chaos-${randomUUID().slice(0, 8)}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const apiKey = `sk-chaos-${randomUUID()}`;

  const redis = await startRedisServer({ appendonly: true });
  teardown.add('redis-server', () => redis.stop('SIGKILL'));
  const sim = await createSimulator({ seed, apiKey, ...SIM_FAULTS });
  teardown.add('simulator', () => sim.close());
  const s3 = await startS3({ buckets: [BUCKET] });
  teardown.add('s3rver', () => s3.stop());
  const receiver = await startWebhookReceiver({ secrets: [secret], failRate: RECEIVER_FAIL_RATE });
  teardown.add('webhook receiver', () => receiver.stop());
  const tap = createVtrixTap(sim.url);
  teardown.add('vtrix tap', () => tap.close());
  const links = createRedisLinks(redis.port);
  teardown.add('redis links', () => links.close());
  const producer = createProducer({
    redisUrl: redis.url,
    prefix,
    allowPrivateNetworks: true,
    webhookDefaultUrl: receiver.url,
    retry: STAGE_RETRY,
  });
  teardown.add('producer', () => producer.close());
  const monitor = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  monitor.on('error', () => {}); // refused connections while Redis restarts: it retries
  teardown.add('monitor connection', () => monitor.disconnect());
  return { prefix, secret, apiKey, redis, sim, s3, receiver, tap, links, producer, monitor };
}

/** The environment of every worker process (REDIS_URL and VTRIX_BASE_URL are per worker: endpointsFor). */
export function workerEnv(s: Pick<Services, 'prefix' | 'secret' | 'apiKey' | 's3' | 'receiver'>) {
  return {
    PATH: process.env.PATH ?? '',
    REELAY_QUEUE_PREFIX: s.prefix,
    VTRIX_API_KEY: s.apiKey,
    // The simulator serves its videos on loopback too.
    UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s.s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
    WEBHOOK_SIGNING_SECRET: s.secret,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_DEFAULT_URL: s.receiver.url,
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,3s,5s',
    POLL_INITIAL_DELAY_MS: '200',
    POLL_MAX_DELAY_MS: '1000',
    POLL_DEADLINE_MS: '20000',
    RETRY_BACKOFF_MS: String(STAGE_RETRY.backoffMs),
    SUBMIT_ATTEMPTS: String(STAGE_RETRY.attempts.submit),
    POLL_ATTEMPTS: String(STAGE_RETRY.attempts.poll),
    SINK_ATTEMPTS: String(STAGE_RETRY.attempts.sink),
    SUBMIT_RATE_PER_SEC: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'warn',
    // One port per worker (0: any free one), so workers on one host do not fight over 9464.
    // METRICS_HOST is not read yet; the health server binds 0.0.0.0 (see docs/RELIABILITY.md).
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
  };
}
