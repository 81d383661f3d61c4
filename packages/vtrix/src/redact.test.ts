import { describe, expect, it } from 'vitest';
import { VtrixError } from './errors.ts';
import { REDACTED, redactSecret, withoutSecret } from './redact.ts';

const KEY = 'sk-redact-test-4f9a';

describe('withoutSecret', () => {
  it('returns the same error when the key appears nowhere', () => {
    const err = new VtrixError('REELAY_UPSTREAM_SERVER_ERROR', { httpStatus: 500 });
    expect(withoutSecret(err, KEY)).toBe(err);
    expect(withoutSecret(err, undefined)).toBe(err);
  });

  it('scrubs message, upstream fields, stack and cause, keeping everything else', () => {
    const cause = Object.assign(new Error(`bad header Bearer ${KEY}`), { code: 'X' });
    const err = new VtrixError('REELAY_UPSTREAM_UNAUTHORIZED', {
      message: `refused ${KEY}`,
      httpStatus: 401,
      upstreamCode: 'InvalidApiKey',
      upstreamMessage: `key ${KEY} is invalid`,
      retryAfterMs: 3,
      cause,
    });
    const clean = withoutSecret(err, KEY);
    expect(clean).toMatchObject({
      code: 'REELAY_UPSTREAM_UNAUTHORIZED',
      kind: 'final',
      alert: true,
      httpStatus: 401,
      upstreamCode: 'InvalidApiKey',
      upstreamMessage: `key ${REDACTED} is invalid`,
      retryAfterMs: 3,
    });
    const everything = [
      JSON.stringify(clean),
      clean.message,
      clean.stack,
      (clean.cause as Error).message,
      (clean.cause as Error).stack,
    ];
    for (const text of everything) expect(text).not.toContain(KEY);
    expect((clean.cause as Error & { code?: string }).code).toBe('X');
  });

  it('redactSecret replaces every occurrence', () => {
    expect(redactSecret(`${KEY}/${KEY}`, KEY)).toBe(`${REDACTED}/${REDACTED}`);
    expect(redactSecret('plain', undefined)).toBe('plain');
  });
});
