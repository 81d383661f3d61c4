/** Shared by the integration tests: a server on its own key prefix, and cleanup of that prefix. */
import { randomUUID } from 'node:crypto';
import type { GenerationRequest } from '@reelay/contracts';
import { recordKeys } from '@reelay/core';
import { createRecordFixture } from '@reelay/core/testing';
import { createProducer, type Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import type { ApiToken } from './api-config.ts';
import { type ApiServer, type ApiServerOptions, createApiServer } from './server.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Bare tokens: both belong to tenant `default`. */
export const TOKENS = ['tok_alpha_5b0c1e0f9d2a4c7e', 'tok_beta_8f3e2d1c0b9a7f6e'] as const;
export const AUTH = { authorization: `Bearer ${TOKENS[0]}` };
/** A token bound to tenant `acme` (`tok:acme` in API_TOKENS). */
export const ACME_TOKEN = 'tok_acme_3c4d5e6f7a8b9c0d';
export const ACME_AUTH = { authorization: `Bearer ${ACME_TOKEN}` };
/** An operator token (`tok:*`): every tenant, and the tenant routes. */
export const OPERATOR_TOKEN = 'tok_operator_1a2b3c4d5e6f7a8b';
export const OPERATOR_AUTH = { authorization: `Bearer ${OPERATOR_TOKEN}` };
export const FIXTURE_TOKENS: ApiToken[] = [
  ...TOKENS.map((token) => ({ token, tenant: 'default' })),
  { token: ACME_TOKEN, tenant: 'acme' },
  { token: OPERATOR_TOKEN, tenant: '*' },
];

export const validRequest = (prompt = 'a small black cat'): GenerationRequest => ({
  input: { prompt, media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
  parameters: { duration: 5, resolution: '720P' },
});

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 }))
    if ((keys as string[]).length) await redis.del(...(keys as string[]));
}

export type Fixture = {
  prefix: string;
  producer: Producer;
  app: ApiServer;
  /** A plain connection for assertions (key counts, PUBSUB). */
  redis: Redis;
  /** The producer's connection. */
  producerConnection: Redis;
  /** Forces records into a state (test-only: the lifecycle's verbs are the real way). */
  recordFixture: ReturnType<typeof createRecordFixture>;
  /** Generations waiting at the tenant gate plus jobs in the submit queue, in any state. */
  submitJobs(): Promise<number>;
  /** Status records under this prefix. */
  records(): Promise<number>;
  close(): Promise<void>;
};

type FixtureOptions = Partial<ApiServerOptions>;

export function createFixture(
  opts: FixtureOptions | ((producer: Producer, prefix: string) => FixtureOptions) = {},
): Fixture {
  const prefix = `test-${randomUUID()}`;
  const redis = new Redis(REDIS_URL);
  // The producer's own connection, handed in, so a test can cut it (createProducer will not close it).
  const producerConnection = new Redis(REDIS_URL);
  // As if a worker had published MAX_IN_FLIGHT=0 (no limit): the producer's tenant gate then
  // grants each enqueue its submit job at once. Queued on the producer's connection, so it lands
  // before the producer's first command.
  producerConnection.hset(recordKeys(prefix).gate, 'max', 0).catch(() => {});
  const producer = createProducer({ connection: producerConnection, prefix });
  const extra = typeof opts === 'function' ? opts(producer, prefix) : opts;
  const app = createApiServer({ producer, tokens: FIXTURE_TOKENS, ...extra });
  return {
    prefix,
    producer,
    app,
    redis,
    producerConnection,
    recordFixture: createRecordFixture(redis, prefix),
    async submitJobs() {
      const counts = await producer.ops.queues.submit.getJobCounts();
      // No worker serves a test prefix, so enqueued generations wait in their tenants' queues.
      const waiting = (await producer.listTenants()).reduce((n, t) => n + t.usage.queued, 0);
      return waiting + Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async records() {
      let n = 0;
      const { recordIdOf } = recordKeys(prefix);
      for await (const keys of redis.scanStream({ match: `${prefix}:gen:*`, count: 1000 }))
        n += (keys as string[]).filter((k) => recordIdOf(k)).length;
      return n;
    },
    async close() {
      await app.close();
      await producer.close();
      producerConnection.disconnect();
      await deleteKeys(redis, `${prefix}:*`);
      await redis.quit();
    },
  };
}

/** Polls `check` until it returns true; fails after `timeoutMs` (no fixed sleeps in tests). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
