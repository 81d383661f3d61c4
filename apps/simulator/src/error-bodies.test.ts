import { describe, expect, it } from 'vitest';
import { rateLimited, serverError, taskError, taskErrorVariants } from './error-bodies.ts';

describe('rateLimited', () => {
  it('gives Retry-After in seconds', () => {
    const reply = rateLimited(3, 'seconds', 0, 'r1');
    expect(reply.status).toBe(429);
    expect(reply.headers).toEqual({ 'retry-after': '3' });
  });

  it('gives Retry-After as an HTTP date, rounded up to the next whole second', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 250);
    const reply = rateLimited(2, 'http-date', now, 'r1');
    expect(reply.headers?.['retry-after']).toBe('Fri, 02 Jan 2026 03:04:08 GMT');
    expect(Date.parse(reply.headers?.['retry-after'] ?? '')).toBeGreaterThanOrEqual(now + 2000);
  });
});

describe('serverError', () => {
  it('covers 500, 502 and 503 and all four documented body shapes', () => {
    const replies = Array.from({ length: 12 }, (_, draw) => serverError(draw, 'req-1'));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([500, 502, 503]));
    const shapes = new Set(
      replies.map((r) => {
        const body = r.body as Record<string, unknown>;
        if (typeof body.error === 'string') return 'error-string';
        if (typeof body.error === 'object') return 'error-object';
        if (body.request_id === 'req-1') return 'code-message-request-id';
        return 'message';
      }),
    );
    expect(shapes).toEqual(new Set(['error-string', 'error-object', 'code-message-request-id', 'message']));
  });
});

describe('taskError', () => {
  it('cycles through every variant', () => {
    const seen = taskErrorVariants.map((_, i) => taskError(i));
    expect(seen).toEqual(taskErrorVariants);
    expect(taskError(taskErrorVariants.length)).toEqual(taskErrorVariants[0]);
  });
});
