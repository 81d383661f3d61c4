import { randomUUID } from 'node:crypto';
import { createLogger } from '@reelay/core';
import { createProducer, type Producer } from '@reelay/producer';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { deletePrefix } from '../../../test/support/cleanup.ts';
import type { DashboardAuth } from './auth-mode.ts';
import { createDashboard } from './dashboard.ts';

/** Shared by the dashboard's integration tests: a producer on a fresh prefix and a dashboard over it. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const USER = 'ops';
export const PASSWORD = `pw-${randomUUID()}`;
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const OK = { authorization: basic(USER, PASSWORD) };

// A signed URL as the upstream or S3 hands them out; none of its secret parts may reach a page.
export const SIGNED =
  'https://cdn.example.com/v.mp4?X-Amz-Credential=CREDX&X-Amz-Signature=SIGAMZ&sig=SIGSHORT&token=TOKX';
export const SECRETS = ['CREDX', 'SIGAMZ', 'SIGSHORT', 'TOKX', 'APIKEYX'];

export type DashboardFixture = {
  readonly prefix: string;
  readonly producer: Producer;
  /** Basic auth with USER and PASSWORD, at the root. */
  readonly app: FastifyInstance;
  /** Another dashboard over the same producer; the caller closes it. */
  dashboard(auth: DashboardAuth, basePath?: string): FastifyInstance;
};

/** Registers beforeAll/afterAll hooks; the keys under the prefix are deleted afterwards. */
export function useDashboard(): DashboardFixture {
  const prefix = `dash-${randomUUID().slice(0, 8)}`;
  const logger = createLogger({ level: 'silent' });
  let producer: Producer | undefined;
  let app: FastifyInstance | undefined;
  const fixture: DashboardFixture = {
    prefix,
    get producer() {
      if (!producer) throw new Error('used before beforeAll');
      return producer;
    },
    get app() {
      if (!app) throw new Error('used before beforeAll');
      return app;
    },
    dashboard: (auth, basePath) =>
      createDashboard({ producer: fixture.producer, auth, logger, ...(basePath ? { basePath } : {}) }),
  };
  beforeAll(async () => {
    // As every worker does at start: say what MAX_IN_FLIGHT is (0: no limit), so the gate an
    // enqueue runs grants at once and the generation's submit job exists, as the pages expect.
    const redis = new Redis(REDIS_URL);
    await redis.hset(`${prefix}:gate`, 'max', 0);
    await redis.quit();
    producer = createProducer({ redisUrl: REDIS_URL, prefix, allowPrivateNetworks: true });
    app = fixture.dashboard({ kind: 'basic', user: USER, password: PASSWORD });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await producer?.close();
    await deletePrefix(REDIS_URL, prefix);
  });
  return fixture;
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
