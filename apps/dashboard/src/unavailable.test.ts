import { ReelayUnavailableError } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, redisDeadline, unavailablePage } from './unavailable.ts';

const named = (name: string, message: string, code?: string) =>
  Object.assign(new Error(message), { name, ...(code ? { code } : {}) });

describe('isRedisUnavailable', () => {
  it('is true for the producer’s unavailable error and ioredis connection failures', () => {
    expect(isRedisUnavailable(new ReelayUnavailableError('get', 'no answer'))).toBe(true);
    expect(isRedisUnavailable(named('Error', 'Command timed out'))).toBe(true);
    expect(isRedisUnavailable(named('Error', 'Connection is closed.'))).toBe(true);
    expect(
      isRedisUnavailable(named('MaxRetriesPerRequestError', 'Reached the max retries per request limit')),
    ).toBe(true);
    expect(isRedisUnavailable(named('Error', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBe(true);
  });

  it('is false for a reply error, a bug, and anything not an error', () => {
    expect(isRedisUnavailable(named('ReplyError', 'WRONGTYPE Operation against a key'))).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailable('Command timed out')).toBe(false);
    expect(isRedisUnavailable(undefined)).toBe(false);
  });
});

describe('redisDeadline', () => {
  const bounded = redisDeadline(50);

  it('passes a value and a non-connection error through', async () => {
    expect(await bounded('op', async () => 7)).toBe(7);
    const bug = new TypeError('bug');
    await expect(bounded('op', () => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('rejects with ReelayUnavailableError past the deadline, and for a connection failure', async () => {
    const started = performance.now();
    const late = bounded('find', () => new Promise<never>(() => {}));
    await expect(late).rejects.toMatchObject({ name: 'ReelayUnavailableError', operation: 'find' });
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(
      bounded('find', () => Promise.reject(named('Error', 'Connection is closed.'))),
    ).rejects.toBeInstanceOf(ReelayUnavailableError);
  });
});

describe('unavailablePage', () => {
  it('says Redis does not answer and links under the base path', () => {
    const page = unavailablePage('/ops');
    expect(page).toContain('Redis does not answer');
    expect(page).toContain('<a href="/ops/find">');
  });
});
