import { describe, expect, it } from 'vitest';
import { interpretReply, type ReplyFacts } from './interpret-reply.ts';

function facts(extra: Partial<ReplyFacts>): ReplyFacts {
  return { status: 200, headers: {}, text: '{}', truncated: false, now: 0, operation: 'poll', ...extra };
}

describe('interpretReply', () => {
  it('parses a 2xx JSON body', () => {
    expect(interpretReply(facts({ status: 201, text: '{"id":"a"}' }))).toEqual({
      ok: true,
      json: { id: 'a' },
    });
  });

  it('a 2xx body that is not JSON is a transient bad reply', () => {
    for (const text of ['', '<html>', '{"id":', 'ok']) {
      const result = interpretReply(facts({ text }));
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error).toMatchObject({
          code: 'REELAY_UPSTREAM_BAD_REPLY',
          kind: 'transient',
          httpStatus: 200,
        });
    }
  });

  it('a truncated 2xx body is REPLY_TOO_LARGE, even if the beginning parses', () => {
    const result = interpretReply(facts({ text: '{}', truncated: true }));
    expect(!result.ok && result.error.code).toBe('REELAY_UPSTREAM_REPLY_TOO_LARGE');
    expect(!result.ok && result.error.kind).toBe('transient');
  });

  it('a non-2xx reply is classified by status even when truncated', () => {
    const result = interpretReply(facts({ status: 401, text: '<html>'.repeat(10), truncated: true }));
    expect(!result.ok && result.error).toMatchObject({ code: 'REELAY_UPSTREAM_UNAUTHORIZED', alert: true });
  });

  it('passes headers and clock to the classification', () => {
    const result = interpretReply(
      facts({ status: 429, headers: { 'retry-after': '2' }, operation: 'create' }),
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'REELAY_UPSTREAM_RATE_LIMITED',
      retryAfterMs: 2000,
    });
  });
});
