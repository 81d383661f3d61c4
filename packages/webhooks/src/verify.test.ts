import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { sign, signatureHeader, webhookHeaders } from './sign.ts';
import {
  invalidSignaturesForTheFirstVector,
  type SignatureVector,
  vector,
  vectors,
} from './test-support/vectors.ts';
import { verifySignature, verifyWebhook } from './verify.ts';

const at = (seconds: number) => () => seconds * 1000;
const headersOf = (v: SignatureVector, signature = v.signature) => ({
  'webhook-id': v.id,
  'webhook-timestamp': String(v.timestamp),
  'webhook-signature': signature,
});
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(WebhookVerificationError.is(err)).toBe(true);
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).code;
  }
  return undefined;
};
const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('verifyWebhook with the public vectors', () => {
  it.each(vectors.map((v, i) => [i, v] as const))(
    'vector #%i verifies and returns the parsed body',
    (_i, v) => {
      const parsed = verifyWebhook(v.body, headersOf(v), v.secret, { now: at(v.timestamp) });
      expect(parsed).toEqual(JSON.parse(v.body));
    },
  );

  it.each(invalidSignaturesForTheFirstVector)('rejects invalid signature %s', (signature) => {
    const v = vector(0);
    const code = codeOf(() =>
      verifyWebhook(v.body, headersOf(v, signature), v.secret, { now: at(v.timestamp) }),
    );
    const expected = signature.startsWith('v1,')
      ? 'REELAY_WEBHOOK_SIGNATURE_MISMATCH'
      : 'REELAY_WEBHOOK_NO_SUPPORTED_SIGNATURE';
    expect(code).toBe(expected);
  });

  it('rejects a non-canonical spelling that lenient base64 decodes to the right digest', () => {
    const v = vector(0);
    // 'F' differs from 'E' only in the two bits base64 discards at the end.
    const altered = v.signature.replace(/E=$/, 'F=');
    expect(altered).not.toBe(v.signature);
    expect(Buffer.from(altered.slice(3), 'base64')).toEqual(Buffer.from(v.signature.slice(3), 'base64'));
    const code = codeOf(() =>
      verifyWebhook(v.body, headersOf(v, altered), v.secret, { now: at(v.timestamp) }),
    );
    expect(code).toBe('REELAY_WEBHOOK_SIGNATURE_MISMATCH');
  });

  it.each([
    ['a truncated digest', (s: string) => s.slice(0, 20)],
    ['the digest without padding', (s: string) => s.replace(/=$/, '')],
    ['junk after the digest', (s: string) => `${s}AAAA`],
    ['url-safe alphabet', (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_')],
  ])('rejects %s', (_name, alter) => {
    const v = vector(0);
    const altered = alter(v.signature);
    const code = codeOf(() =>
      verifyWebhook(v.body, headersOf(v, altered), v.secret, { now: at(v.timestamp) }),
    );
    if (altered === v.signature) throw new Error('test alteration did nothing');
    expect(code).toBe('REELAY_WEBHOOK_SIGNATURE_MISMATCH');
  });

  it('ignores other versions when a v1 entry matches', () => {
    const v = vector(0);
    const header = `v2,${v.signature.slice(3)} v1a,xyz ${v.signature}`;
    expect(verifySignature(v.body, headersOf(v, header), v.secret, { now: at(v.timestamp) })).toEqual({
      ok: true,
    });
  });

  it.each([
    ['the body', (v: SignatureVector) => ({ ...v, body: v.body.replace('2432232314', '2432232315') })],
    ['the id', (v: SignatureVector) => ({ ...v, id: `${v.id}x` })],
    ['the timestamp', (v: SignatureVector) => ({ ...v, timestamp: v.timestamp + 1 })],
  ])('rejects a change to %s', (_name, change) => {
    const v = vector(0);
    const changed = change(v);
    const code = codeOf(() =>
      verifyWebhook(changed.body, headersOf(changed, v.signature), v.secret, { now: at(v.timestamp) }),
    );
    expect(code).toBe('REELAY_WEBHOOK_SIGNATURE_MISMATCH');
  });

  it('rejects the right signature under the wrong secret', () => {
    const v = vector(0);
    const code = codeOf(() =>
      verifyWebhook(v.body, headersOf(v), vector(1).secret, { now: at(v.timestamp) }),
    );
    expect(code).toBe('REELAY_WEBHOOK_SIGNATURE_MISMATCH');
  });
});

describe('timestamp tolerance (injected clock)', () => {
  const v = vector(0);
  const check = (nowSec: number, toleranceSec?: number) =>
    verifySignature(v.body, headersOf(v), v.secret, { now: at(nowSec), toleranceSec });

  it('accepts exactly 300 s either way by default', () => {
    expect(check(v.timestamp + 300)).toEqual({ ok: true });
    expect(check(v.timestamp - 300)).toEqual({ ok: true });
  });

  it('rejects 301 s old as too old and 301 s ahead as too new', () => {
    expect(check(v.timestamp + 301)).toMatchObject({
      ok: false,
      error: { code: 'REELAY_WEBHOOK_TIMESTAMP_TOO_OLD' },
    });
    expect(check(v.timestamp - 301)).toMatchObject({
      ok: false,
      error: { code: 'REELAY_WEBHOOK_TIMESTAMP_TOO_NEW' },
    });
  });

  it('honours a custom tolerance', () => {
    expect(check(v.timestamp + 10, 10)).toEqual({ ok: true });
    expect(check(v.timestamp + 11, 10)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_TIMESTAMP_TOO_OLD' },
    });
    expect(check(v.timestamp - 11, 10)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_TIMESTAMP_TOO_NEW' },
    });
  });

  it('uses the real clock by default (an old vector is too old today)', () => {
    expect(verifySignature(v.body, headersOf(v), v.secret)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_TIMESTAMP_TOO_OLD' },
    });
  });

  it.each([
    '',
    ' ',
    '1614265330.0',
    '-1614265330',
    '+1614265330',
    '1.6e9',
    '0x603a1f32',
    '１６１４２６５３３０',
    'abc',
    '1614265330s',
  ])('rejects timestamp %j as malformed', (timestamp) => {
    const result = verifySignature(v.body, { ...headersOf(v), 'webhook-timestamp': timestamp }, v.secret, {
      now: at(v.timestamp),
    });
    const expected =
      timestamp.trim() === '' ? 'REELAY_WEBHOOK_MISSING_HEADERS' : 'REELAY_WEBHOOK_INVALID_TIMESTAMP';
    expect(result).toMatchObject({ ok: false, error: { code: expected } });
  });
});

describe('headers', () => {
  const v = vector(0);
  const opts = { now: at(v.timestamp) };

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('names a missing %s', (name) => {
    const headers: Record<string, string | undefined> = { ...headersOf(v) };
    delete headers[name];
    const result = verifySignature(v.body, headers, v.secret, opts);
    expect(result).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_MISSING_HEADERS' } });
    expect(!result.ok && result.error.message).toContain(name);
  });

  it('treats an empty signature header as missing', () => {
    expect(verifySignature(v.body, headersOf(v, ''), v.secret, opts)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_MISSING_HEADERS' },
    });
  });

  it('reads a fetch Headers object and mixed-case record keys', () => {
    expect(verifySignature(v.body, new Headers(headersOf(v)), v.secret, opts)).toEqual({ ok: true });
    const mixed = {
      'Webhook-Id': v.id,
      'WEBHOOK-TIMESTAMP': String(v.timestamp),
      'Webhook-Signature': v.signature,
    };
    expect(verifySignature(v.body, mixed, v.secret, opts)).toEqual({ ok: true });
  });

  it('reads a signature header that Node or fetch joined with ", "', () => {
    const joined = new Headers(headersOf(v, 'v1,bm9wZQ=='));
    joined.append('webhook-signature', v.signature);
    expect(joined.get('webhook-signature')).toBe(`v1,bm9wZQ==, ${v.signature}`);
    expect(verifySignature(v.body, joined, v.secret, opts)).toEqual({ ok: true });
    const first = new Headers(headersOf(v));
    first.append('webhook-signature', 'v1,bm9wZQ==');
    expect(verifySignature(v.body, first, v.secret, opts)).toEqual({ ok: true });
  });

  it('joins a repeated signature header but refuses a repeated id', () => {
    const split = { ...headersOf(v), 'webhook-signature': ['v1,bm9wZQ==', v.signature] };
    expect(verifySignature(v.body, split, v.secret, opts)).toEqual({ ok: true });
    const twoIds = { ...headersOf(v), 'webhook-id': [v.id, 'msg_other'] };
    expect(verifySignature(v.body, twoIds, v.secret, opts)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_INVALID_HEADER' },
    });
  });
});

describe('secrets and rotation', () => {
  const v = vector(0);
  const opts = { now: at(v.timestamp) };

  it('accepts when any one of several secrets matches', () => {
    expect(verifySignature(v.body, headersOf(v), [secretOf(32), v.secret, secretOf(32)], opts)).toEqual({
      ok: true,
    });
    expect(verifySignature(v.body, headersOf(v), `${secretOf(32)},${v.secret}`, opts)).toEqual({ ok: true });
  });

  it('accepts when any one of several signatures matches', () => {
    const header = signatureHeader([secretOf(32), v.secret], v);
    expect(header.split(' ')).toHaveLength(2);
    expect(verifySignature(v.body, headersOf(v, header), v.secret, opts)).toEqual({ ok: true });
  });

  it('verifies with a raw key', () => {
    const key = Buffer.from(v.secret.slice(6), 'base64');
    expect(verifySignature(v.body, headersOf(v), key, opts)).toEqual({ ok: true });
  });

  it.each(['', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not*base64'])(
    'refuses secret %j as REELAY_WEBHOOK_INVALID_SECRET',
    (secret) => {
      expect(verifySignature(v.body, headersOf(v), secret, opts)).toMatchObject({
        error: { code: 'REELAY_WEBHOOK_INVALID_SECRET' },
      });
    },
  );

  it('refuses an empty secret list', () => {
    expect(verifySignature(v.body, headersOf(v), [], opts)).toMatchObject({
      error: { code: 'REELAY_WEBHOOK_INVALID_SECRET' },
    });
  });
});

describe('body', () => {
  const secret = secretOf(32);
  const now = 1_700_000_000;

  it('verifies a Buffer body and returns the parsed JSON', () => {
    const body = Buffer.from(JSON.stringify({ ok: 'ünïcode' }));
    const headers = webhookHeaders({ id: 'msg_b', timestamp: now, body, secrets: secret });
    expect(verifyWebhook(body, headers, secret, { now: at(now) })).toEqual({ ok: 'ünïcode' });
  });

  it('throws REELAY_WEBHOOK_INVALID_BODY for a correctly signed non-JSON body', () => {
    const body = 'not json';
    const headers = webhookHeaders({ id: 'msg_b', timestamp: now, body, secrets: secret });
    expect(verifySignature(body, headers, secret, { now: at(now) })).toEqual({ ok: true });
    expect(codeOf(() => verifyWebhook(body, headers, secret, { now: at(now) }))).toBe(
      'REELAY_WEBHOOK_INVALID_BODY',
    );
  });

  it('throws REELAY_WEBHOOK_INVALID_BODY for invalid UTF-8', () => {
    const body = Buffer.from([0x22, 0xff, 0x22]);
    const signature = sign({ secret, id: 'msg_b', timestamp: now, body });
    const headers = {
      'webhook-id': 'msg_b',
      'webhook-timestamp': String(now),
      'webhook-signature': signature,
    };
    expect(codeOf(() => verifyWebhook(body, headers, secret, { now: at(now) }))).toBe(
      'REELAY_WEBHOOK_INVALID_BODY',
    );
  });
});
