/**
 * Issue #14: a stalled Redis must not hang SDK callers. With the producer's Redis frozen
 * (SIGSTOP: the socket stays open, nothing answers) or killed, every call rejects with
 * ReelayUnavailableError within commandTimeoutMs, and works again once Redis is back.
 */
import { type RedisServerProcess, startRedisServer } from '@reelay/devstack';
import { createProducer, isReelayUnavailable, type Producer, ReelayUnavailableError } from '@reelay/producer';
import { afterEach, describe, expect, it } from 'vitest';

const TIMEOUT_MS = 300;
/** Scheduling slack on a loaded machine: the bound is the timeout, not the timeout to the ms. */
const SLACK_MS = 700;

const request = {
  input: { prompt: 'a cat', media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
  parameters: { duration: 5, resolution: '720P' },
};

let server: RedisServerProcess | undefined;
let producer: Producer | undefined;
let frozen = false;
afterEach(async () => {
  if (frozen && server?.pid) process.kill(server.pid, 'SIGCONT');
  frozen = false;
  await producer?.close().catch(() => {});
  await server?.stop();
  producer = server = undefined;
});

async function timed(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await run();
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

describe('producer against an unavailable Redis', () => {
  it('rejects enqueue and getStatus with ReelayUnavailableError within the timeout while Redis is frozen, and recovers after SIGCONT', async () => {
    server = await startRedisServer();
    producer = createProducer({ redisUrl: server.url, prefix: 'frozen', commandTimeoutMs: TIMEOUT_MS });
    const { id } = await producer.enqueue(request);
    expect((await producer.getStatus(id))?.id).toBe(id);

    process.kill(server.pid!, 'SIGSTOP');
    frozen = true;
    const p = producer;
    for (const [operation, run] of [
      ['enqueue', () => p.enqueue(request)],
      ['getStatus', () => p.getStatus(id)],
      ['cancel', () => p.cancel(id)],
    ] as const) {
      const { error, ms } = await timed(run);
      expect(error, operation).toBeInstanceOf(ReelayUnavailableError);
      expect(isReelayUnavailable(error)).toBe(true);
      expect((error as ReelayUnavailableError).code).toBe('REELAY_REDIS_UNAVAILABLE');
      expect((error as ReelayUnavailableError).operation).toBe(operation);
      expect(ms, operation).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }

    process.kill(server.pid!, 'SIGCONT');
    frozen = false;
    const again = await producer.enqueue(request);
    expect(again.created).toBe(true);
    expect((await producer.getStatus(again.id))?.id).toBe(again.id);
  }, 20_000);

  it('rejects fast with ReelayUnavailableError while Redis is down, and recovers when it is back', async () => {
    server = await startRedisServer();
    producer = createProducer({ redisUrl: server.url, prefix: 'down', commandTimeoutMs: TIMEOUT_MS });
    const { id } = await producer.enqueue(request);
    await server.kill('SIGKILL');
    const p = producer;
    for (const run of [() => p.getStatus(id), () => p.enqueue(request)]) {
      const { error, ms } = await timed(run);
      expect(isReelayUnavailable(error)).toBe(true);
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    await server.start();
    // The reconnect backoff may still be running; the call succeeds once it has.
    let status: Awaited<ReturnType<Producer['getStatus']>>;
    for (let i = 0; ; i++) {
      try {
        status = await p.getStatus(id);
        break;
      } catch (e) {
        if (!isReelayUnavailable(e) || i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // No persistence in the private server: the record is gone, but Redis answers.
    expect(status).toBeUndefined();
  }, 20_000);
});
