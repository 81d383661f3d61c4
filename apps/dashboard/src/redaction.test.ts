import { describe, expect, it } from 'vitest';
import { REDACTED, redactForDisplay, redactText } from './redaction.ts';

const SIGNED =
  'https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc123def&sig=zzz999&e=1';

describe('redactText', () => {
  it('removes signatures from URLs inside free text and keeps the rest readable', () => {
    const out = redactText(`download of ${SIGNED} failed: 403`);
    expect(out).not.toMatch(/abc123def|zzz999/);
    expect(out).toContain('X-Amz-Signature=[redacted]');
    expect(out).toContain('sig=[redacted]');
    expect(out).toContain('X-Amz-Algorithm=AWS4');
    expect(out).toContain('failed: 403');
  });

  it('removes bearer tokens, webhook secrets and passwords in URLs', () => {
    const out = redactText(
      'Bearer sk-live-123 whsec_c2VjcmV0 redis://default:p4ss@redis.internal:6379 https://:tok@h/x',
    );
    expect(out).not.toMatch(/sk-live-123|c2VjcmV0|p4ss|tok@/);
    expect(out).toContain('redis://default:[redacted]@redis.internal:6379');
  });

  it('leaves ports and plain URLs alone', () => {
    const plain = 'http://127.0.0.1:4010/v1/tasks/abc and s3://videos/generations/gen_1.mp4';
    expect(redactText(plain)).toBe(plain);
  });
});

describe('redactForDisplay', () => {
  it('reaches every string however the job is shaped, without changing the input', () => {
    const job = {
      id: 'gen_1.sink',
      failedReason: `GET ${SIGNED} timed out`,
      stacktrace: [`Error: GET ${SIGNED}\n    at copy (s3-copy.ts:10:5)`],
      data: { generationId: 'gen_1', nested: [{ deeper: { url: SIGNED } }] },
      returnValue: { videoUrl: SIGNED },
      attempts: 3,
      isFailed: true,
      timestamp: null,
    };
    const before = JSON.stringify(job);
    const out = redactForDisplay(job);
    expect(JSON.stringify(out)).not.toMatch(/abc123def|zzz999/);
    expect(out.stacktrace[0]).toContain('at copy (s3-copy.ts:10:5)');
    expect(out).toMatchObject({ attempts: 3, isFailed: true, timestamp: null, id: 'gen_1.sink' });
    expect(JSON.stringify(job)).toBe(before);
  });

  it('drops values under secret-looking keys whole', () => {
    const out = redactForDisplay({
      apiKey: 'k1',
      headers: { Authorization: 'Basic abc', 'webhook-signature': 'v1,xyz' },
      password: 12345,
      signingSecrets: ['whsec_a', 'whsec_b'],
      keep: 'visible',
      idempotencyKey: 'order-42',
      tokenless: undefined,
    });
    expect(out).toEqual({
      apiKey: REDACTED,
      headers: { Authorization: REDACTED, 'webhook-signature': REDACTED },
      password: REDACTED,
      signingSecrets: REDACTED,
      keep: 'visible',
      idempotencyKey: 'order-42',
      tokenless: undefined,
    });
  });

  it('replaces what is nested too deep or circular instead of passing it through', () => {
    let deep: Record<string, unknown> = { url: SIGNED };
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(JSON.stringify(redactForDisplay(deep))).not.toContain('abc123def');
    const loop: Record<string, unknown> = { url: SIGNED };
    loop.self = loop;
    const out = redactForDisplay(loop) as Record<string, unknown>;
    expect(out.self).toBe('[redacted] (circular)');
    expect(out.url).not.toContain('abc123def');
  });

  it('shows shared (non-circular) references in full', () => {
    const shared = { a: 1 };
    expect(redactForDisplay({ x: shared, y: shared })).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });

  it('serializes dates as JSON would', () => {
    expect(redactForDisplay({ at: new Date(0) })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });
});
