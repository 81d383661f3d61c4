import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WebhookSigningError } from './errors.ts';
import { sign, signatureHeader, webhookHeaders } from './sign.ts';
import { vector, vectors } from './test-support/vectors.ts';
import { verifyWebhook } from './verify.ts';

const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('sign', () => {
  it('has three public vectors to check against', () => {
    expect(vectors).toHaveLength(3);
  });

  it.each([0, 1])('re-signs public vector #%i to the published signature', (index) => {
    const v = vector(index);
    expect(sign({ secret: v.secret, id: v.id, timestamp: v.timestamp, body: v.body })).toBe(v.signature);
  });

  it('signs bytes the same as the equal string', () => {
    const v = vector(0);
    expect(sign({ secret: v.secret, id: v.id, timestamp: v.timestamp, body: Buffer.from(v.body) })).toBe(
      v.signature,
    );
  });

  it('accepts an already-parsed key Buffer', () => {
    const v = vector(1);
    const key = Buffer.from(v.secret.slice('whsec_'.length), 'base64');
    expect(sign({ secret: key, id: v.id, timestamp: v.timestamp, body: v.body })).toBe(v.signature);
  });

  it('refuses the 18-byte key of vector #2 (below the 24-byte minimum)', () => {
    const v = vector(2);
    expect(v.keyBelowMinimum).toBe(true);
    const attempt = () => sign({ secret: v.secret, id: v.id, timestamp: v.timestamp, body: v.body });
    expect(attempt).toThrow(WebhookSigningError);
    expect(attempt).toThrow(/24–64 bytes \(got 18\)/);
  });

  it.each([
    ['a 23-byte key', Buffer.alloc(23, 1)],
    ['a 65-byte key', Buffer.alloc(65, 1)],
    ['a secret without prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['a secret with junk base64', 'whsec_MfKQ9r8GKYqr!wjUPD8ILPZIo2LaLaSw'],
  ])('refuses %s with REELAY_WEBHOOK_INVALID_SECRET', (_name, secret) => {
    try {
      sign({ secret, id: 'msg_1', timestamp: 1, body: '{}' });
      expect.unreachable('sign should throw');
    } catch (err) {
      expect(WebhookSigningError.is(err)).toBe(true);
      expect((err as WebhookSigningError).code).toBe('REELAY_WEBHOOK_INVALID_SECRET');
      if (typeof secret === 'string') expect((err as Error).message).not.toContain(secret.slice(6));
    }
  });

  it('accepts 24- and 64-byte keys', () => {
    for (const bytes of [24, 64]) {
      expect(sign({ secret: secretOf(bytes), id: 'msg_1', timestamp: 1, body: '{}' })).toMatch(
        /^v1,[A-Za-z0-9+/]{43}=$/,
      );
    }
  });

  it.each([
    ['an empty id', { id: '', timestamp: 1 }],
    ['a fractional timestamp', { id: 'msg_1', timestamp: 1.5 }],
    ['a negative timestamp', { id: 'msg_1', timestamp: -1 }],
    ['a millisecond-looking NaN', { id: 'msg_1', timestamp: Number.NaN }],
  ])('refuses %s with REELAY_WEBHOOK_INVALID_INPUT', (_name, input) => {
    expect(() => sign({ secret: secretOf(32), body: '{}', ...input })).toThrow(
      expect.objectContaining({ code: 'REELAY_WEBHOOK_INVALID_INPUT' }),
    );
  });

  it('takes exactly one secret', () => {
    const both = `${secretOf(32)},${secretOf(32)}`;
    expect(() => sign({ secret: both, id: 'msg_1', timestamp: 1, body: '{}' })).toThrow(/exactly one secret/);
  });
});

describe('signatureHeader', () => {
  it('gives one v1 entry per secret, space-separated, in order', () => {
    const a = vector(0);
    const other = vector(1).secret;
    const header = signatureHeader([a.secret, other], a);
    const entries = header.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(a.signature);
    expect(entries[1]).toBe(sign({ secret: other, id: a.id, timestamp: a.timestamp, body: a.body }));
  });

  it('treats a comma-separated string as a rotation list', () => {
    const a = vector(0);
    const csv = `${a.secret}, ${vector(1).secret}`;
    expect(signatureHeader(csv, a)).toBe(signatureHeader([a.secret, vector(1).secret], a));
  });

  it('names the position of a bad secret without echoing it', () => {
    const bad = 'whsec_dG9vc2hvcnQ=';
    expect(() => signatureHeader([secretOf(32), bad], vector(0))).toThrow(/secret #2/);
    expect(() => signatureHeader([secretOf(32), bad], vector(0))).not.toThrow(/dG9vc2hvcnQ/);
  });

  it('refuses an empty list', () => {
    expect(() => signatureHeader([], vector(0))).toThrow(
      expect.objectContaining({ code: 'REELAY_WEBHOOK_INVALID_SECRET' }),
    );
  });
});

describe('webhookHeaders', () => {
  it('gives exactly the four Standard Webhooks headers', () => {
    const v = vector(0);
    expect(webhookHeaders({ ...v, secrets: v.secret })).toEqual({
      'webhook-id': v.id,
      'webhook-timestamp': String(v.timestamp),
      'webhook-signature': v.signature,
      'content-type': 'application/json',
    });
  });
});

describe('interoperability with the standardwebhooks package', () => {
  const body = JSON.stringify({ type: 'generation.succeeded', data: { id: 'gen_123', note: 'naïve ✓' } });

  it('our signatures verify with standardwebhooks', () => {
    const secret = secretOf(32);
    const headers = webhookHeaders({
      id: 'msg_ours',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets: secret,
    });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('a rotated header verifies with standardwebhooks holding only the second secret', () => {
    const [oldSecret, newSecret] = [secretOf(32), secretOf(48)];
    const headers = webhookHeaders({
      id: 'msg_rot',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets: [oldSecret, newSecret],
    });
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secretOf(32)).verify(body, headers)).toThrow();
  });

  it('standardwebhooks signatures verify with ours', () => {
    const secret = secretOf(24);
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = new Webhook(secret).sign('msg_theirs', now, body);
    const headers = {
      'webhook-id': 'msg_theirs',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    };
    expect(verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    expect(signature).toBe(sign({ secret, id: 'msg_theirs', timestamp, body }));
  });
});
