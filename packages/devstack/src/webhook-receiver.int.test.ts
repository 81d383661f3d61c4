import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './webhook-receiver.ts';

const SECRET = `whsec_${Buffer.from('devstack-receiver-test-secret-01').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('devstack-receiver-test-secret-00').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('not-the-receiver-secret-at-all!!').toString('base64')}`;

/** POST `body` signed the way a Standard Webhooks sender does; returns the HTTP status. */
async function deliver(
  url: string,
  secret: string,
  body: string,
  id = `msg_${randomUUID()}`,
): Promise<number> {
  const now = new Date();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

const event = (type: string, data: object = {}) =>
  JSON.stringify({ type, timestamp: new Date().toISOString(), data });

/** Returns the given numbers in turn: a deterministic `random`. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('startWebhookReceiver', () => {
  const started: WebhookReceiver[] = [];
  const start = async (opts: Partial<WebhookReceiverOptions> = {}) => {
    const receiver = await startWebhookReceiver({ secrets: [SECRET], ...opts });
    started.push(receiver);
    return receiver;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.stop()));
  });

  it('verifies a standardwebhooks-signed delivery, answers 204 and records it', async () => {
    const receiver = await start();
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    const before = Date.now();
    const body = event('generation.succeeded', { generationId: 'gen_1' });
    expect(await deliver(receiver.url, SECRET, body, 'msg_1')).toBe(204);

    const [d] = receiver.deliveries();
    expect(d).toMatchObject({
      webhookId: 'msg_1',
      type: 'generation.succeeded',
      body: { type: 'generation.succeeded', data: { generationId: 'gen_1' } },
      rawBody: body,
      verified: true,
      status: 204,
    });
    expect(d!.timestamp).toBeCloseTo(before / 1000, -1);
    expect(d!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(receiver.verified()).toHaveLength(1);
    expect(receiver.accepted()).toHaveLength(1);
    expect(receiver.signatureFailures()).toBe(0);
  });

  it('answers 401 to forged, tampered and unsigned deliveries and counts them as failures', async () => {
    const receiver = await start();
    expect(await deliver(receiver.url, OTHER_SECRET, event('forged'))).toBe(401);

    // Signed over other bytes than were sent: the signature covers the exact body.
    const id = 'msg_tampered';
    const now = new Date();
    const signed = event('generation.succeeded', { amount: 1 });
    const tampered = await fetch(receiver.url, {
      method: 'POST',
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(SECRET).sign(id, now, signed),
      },
      body: signed.replace('"amount":1', '"amount": 1'),
    });
    expect(tampered.status).toBe(401);

    const unsigned = await fetch(receiver.url, { method: 'POST', body: event('unsigned') });
    expect(unsigned.status).toBe(401);

    expect(receiver.signatureFailures()).toBe(3);
    expect(receiver.verified()).toEqual([]);
    expect(receiver.deliveries().map((d) => [d.type, d.status, d.verified])).toEqual([
      ['forged', 401, false],
      ['generation.succeeded', 401, false],
      ['unsigned', 401, false],
    ]);
    expect(receiver.deliveries()[2]!.webhookId).toBeUndefined();
  });

  it('verifies exact bytes, including whitespace and non-ASCII text', async () => {
    const receiver = await start();
    const body = '{ "type" : "generation.failed",\n  "data": { "message": "délai dépassé ✓" } }';
    expect(await deliver(receiver.url, SECRET, body)).toBe(204);
    expect(receiver.deliveries()[0]).toMatchObject({
      rawBody: body,
      verified: true,
      type: 'generation.failed',
    });
  });

  it('accepts a signature made with any of its secrets (rotation)', async () => {
    const receiver = await start({ secrets: [SECRET, OLD_SECRET] });
    expect(await deliver(receiver.url, OLD_SECRET, event('old'))).toBe(204);
    expect(await deliver(receiver.url, SECRET, event('new'))).toBe(204);
    expect(await deliver(receiver.url, OTHER_SECRET, event('other'))).toBe(401);
    expect(receiver.verified().map((d) => d.type)).toEqual(['old', 'new']);
  });

  it('fails the failRate fraction drawn by the injected random with statusOnFail, still recording them', async () => {
    const receiver = await start({ failRate: 0.5, statusOnFail: 500, random: sequence(0.1, 0.9, 0.49, 0.5) });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await deliver(receiver.url, SECRET, event(`e${i}`)));
    expect(statuses).toEqual([500, 204, 500, 204]);
    expect(receiver.verified()).toHaveLength(4);
    expect(receiver.accepted().map((d) => d.type)).toEqual(['e1', 'e3']);
  });

  it('defaults statusOnFail to 503 and switches the fail rate at runtime', async () => {
    const receiver = await start({ failRate: 1 });
    expect(await deliver(receiver.url, SECRET, event('a'))).toBe(503);
    receiver.setFailRate(0);
    expect(await deliver(receiver.url, SECRET, event('b'))).toBe(204);
    expect(() => receiver.setFailRate(1.5)).toThrow(/failRate/);
    await expect(startWebhookReceiver({ secrets: [SECRET], failRate: -1 })).rejects.toThrow(/failRate/);
  });

  it('answers 503 to everything while down, then recovers', async () => {
    const receiver = await start();
    receiver.setDown(true);
    expect(await deliver(receiver.url, SECRET, event('a'))).toBe(503);
    expect(await deliver(receiver.url, OTHER_SECRET, event('b'))).toBe(503);
    receiver.setDown(false);
    expect(await deliver(receiver.url, SECRET, event('c'))).toBe(204);
    expect(receiver.deliveries().map((d) => [d.type, d.status, d.verified])).toEqual([
      ['a', 503, true],
      ['b', 503, false],
      ['c', 204, true],
    ]);
  });

  it('groups the attempts of one event by webhook-id', async () => {
    const receiver = await start({ failRate: 0.5, random: sequence(0, 0.9, 0.9) });
    expect(await deliver(receiver.url, SECRET, event('x'), 'msg_x')).toBe(503);
    expect(await deliver(receiver.url, SECRET, event('x'), 'msg_x')).toBe(204);
    expect(await deliver(receiver.url, SECRET, event('y'), 'msg_y')).toBe(204);
    const events = receiver.byEvent();
    expect([...events.keys()]).toEqual(['msg_x', 'msg_y']);
    expect(events.get('msg_x')!.map((d) => d.status)).toEqual([503, 204]);
    expect(events.get('msg_y')).toHaveLength(1);
  });

  it('waitFor resolves as soon as a delivery satisfies the predicate', async () => {
    const receiver = await start();
    const waiting = receiver.waitFor((ds) => ds.some((d) => d.type === 'second'), 5_000);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await deliver(receiver.url, SECRET, event('first'));
    expect(settled).toBe(false);
    await deliver(receiver.url, SECRET, event('second'));
    const deliveries = await waiting;
    expect(deliveries.map((d) => d.type)).toEqual(['first', 'second']);
    // Already true: resolves without another delivery.
    await expect(receiver.waitFor((ds) => ds.length === 2, 50)).resolves.toHaveLength(2);
  });

  it('waitFor rejects with a description of what arrived on timeout, and when stopped', async () => {
    const receiver = await start();
    await deliver(receiver.url, SECRET, event('only'), 'msg_only');
    await expect(receiver.waitFor((ds) => ds.length >= 2, 100)).rejects.toThrow(
      /after 100 ms; 1 deliveries \(1 verified\); last: only msg_only → 204/,
    );
    await expect(
      receiver.waitFor(() => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
    const pending = receiver.waitFor(() => false, 10_000);
    await receiver.stop();
    await expect(pending).rejects.toThrow(/stopped/);
  });

  it('ignores requests that are not POST, and forgets deliveries on clear', async () => {
    const receiver = await start();
    const res = await fetch(receiver.url);
    expect(res.status).toBe(405);
    expect(receiver.deliveries()).toEqual([]);
    await deliver(receiver.url, SECRET, event('a'));
    receiver.clear();
    expect(receiver.deliveries()).toEqual([]);
  });

  it('rejects a missing or malformed secret at start', async () => {
    await expect(startWebhookReceiver({ secrets: [] })).rejects.toThrow(/at least one secret/);
    await expect(startWebhookReceiver({ secrets: ['whsec_'] })).rejects.toThrow();
  });
});
