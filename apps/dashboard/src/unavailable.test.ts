import { ReelayUnavailableError } from '@reelay/contracts';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, redisDeadline, unavailableHandler, unavailablePage } from './unavailable.ts';

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

describe('unavailableHandler', () => {
  it('answers 503 with Retry-After (a page, or JSON on .json routes) and leaves other errors a 500', async () => {
    const app = Fastify();
    app.setErrorHandler(unavailableHandler('/ops'));
    const down = () => Promise.reject(new ReelayUnavailableError('find', 'no answer within 5 ms'));
    app.get('/ops/find', down);
    app.get('/ops/find.json', down);
    app.get('/ops/bug', () => Promise.reject(new TypeError('a bug')));
    try {
      const page = await app.inject({ method: 'GET', url: '/ops/find?q=x' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['retry-after']).toBe('2');
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('Redis does not answer');
      const json = await app.inject({ method: 'GET', url: '/ops/find.json?q=x' });
      expect(json.statusCode).toBe(503);
      expect(json.headers['retry-after']).toBe('2');
      expect(json.json()).toMatchObject({ error: 'redis_unavailable' });
      const bug = await app.inject({ method: 'GET', url: '/ops/bug' });
      expect(bug.statusCode).toBe(500);
      expect(bug.headers['retry-after']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
