import { describe, expect, it } from 'vitest';
import { analyze, histogram } from './analyze.ts';
import { cleanRun } from './synthetic.ts';

describe('analyze', () => {
  it('counts a clean run', () => {
    const a = analyze(cleanRun(4, 1));
    expect(a.accepted).toBe(4);
    expect(a.terminal).toEqual({ succeeded: 3, failed: 1, canceled: 0 });
    expect(a.lost).toEqual([]);
    expect(a.creates).toMatchObject({ total: 4, duplicates: 0, perGeneration: { '1': 4 }, unexplained: [] });
    expect(a.s3).toMatchObject({
      objects: 3,
      succeeded: 3,
      withOneGoodObject: 3,
      missing: [],
      extraObjects: [],
    });
    expect(a.webhooks).toMatchObject({
      deliveries: 8,
      accepted: 4,
      signatureFailures: 0,
      terminalEventsPerGeneration: { '1': 4 },
      webhookIdsPerEvent: { '1': 4 },
      attemptsPerEvent: { '2': 4 },
      undelivered: [],
      conflicting: [],
    });
    expect(a.idempotency).toEqual({ keys: 1, enqueues: 2, split: [] });
  });

  it('finds generations that are not terminal, or have no record at all', () => {
    const o = cleanRun();
    o.generations[0]!.state = 'copying';
    o.accepted.push('gen_gone');
    expect(analyze(o).lost).toEqual([
      { id: 'gen_000', state: 'copying' },
      { id: 'gen_gone', state: 'missing' },
    ]);
  });

  it('attributes duplicate creates to kills inside the generation’s submit window', () => {
    const o = cleanRun();
    o.createsByGeneration.gen_000 = 2;
    o.createsByGeneration.gen_001 = 3;
    o.kills = [
      { at: 1, worker: 'w1', how: 'sigkill', inWindow: ['gen_000', 'gen_001'] },
      { at: 2, worker: 'w2', how: 'frozen', inWindow: [] },
    ];
    const a = analyze(o);
    expect(a.creates.duplicates).toBe(3);
    expect(a.kills).toEqual({
      total: 2,
      byHow: { sigkill: 1, frozen: 1 },
      insideSubmitWindow: 1,
      windowsHit: 2,
    });
    expect(a.creates.generationsWithDuplicates).toEqual([
      { id: 'gen_000', creates: 2, killsInWindow: 1 },
      { id: 'gen_001', creates: 3, killsInWindow: 1 },
    ]);
    expect(a.creates.unexplained).toEqual(['gen_001']);
  });

  it('checks each object’s bytes against the upstream video and the record', () => {
    const o = cleanRun();
    o.objects[0]!.sha256 = 'f'.repeat(64);
    o.generations[1]!.output!.sha256 = 'e'.repeat(64);
    o.objects.splice(2, 1);
    const a = analyze(o);
    expect(a.s3.sha256Mismatches.map((m) => m.id)).toEqual(['gen_000', 'gen_001']);
    expect(a.s3.missing).toEqual(['gen_002']);
    expect(a.s3.withOneGoodObject).toBe(0);
  });

  it('flags objects that belong to no succeeded generation', () => {
    const o = cleanRun();
    o.objects.push(
      { key: 'generations/gen_003.mp4', size: 1, sha256: 'x' },
      { key: 'stray.bin', size: 1, sha256: 'y' },
    );
    expect(analyze(o).s3.extraObjects).toEqual(['generations/gen_003.mp4', 'stray.bin']);
  });

  it('requires a verified 2xx under one webhook-id, and no other terminal event', () => {
    const o = cleanRun();
    // gen_000: only failures; gen_001: a second id; gen_002: a bad signature is not a delivery.
    o.deliveries = o.deliveries.filter((d) => !(d.generationId === 'gen_000' && d.status === 204));
    o.deliveries.push({
      webhookId: 'other',
      type: 'generation.succeeded',
      generationId: 'gen_001',
      verified: true,
      status: 204,
    });
    for (const d of o.deliveries) if (d.generationId === 'gen_002') d.verified = false;
    o.deliveries.push({
      webhookId: 'x',
      type: 'generation.failed',
      generationId: 'gen_001',
      verified: true,
      status: 204,
    });
    const a = analyze(o);
    expect(a.webhooks.undelivered).toEqual([
      { id: 'gen_000', event: 'generation.succeeded' },
      { id: 'gen_002', event: 'generation.succeeded' },
    ]);
    expect(a.webhooks.webhookIdsPerEvent).toEqual({ '1': 3, '2': 1 });
    expect(a.webhooks.conflicting).toEqual([
      { id: 'gen_001', state: 'succeeded', events: ['generation.succeeded', 'generation.failed'] },
    ]);
    expect(a.webhooks.signatureFailures).toBe(2);
  });

  it('ignores the opt-in running event when counting terminal events', () => {
    const o = cleanRun();
    o.deliveries.push({
      webhookId: 'r',
      type: 'generation.running',
      generationId: 'gen_000',
      verified: true,
      status: 204,
    });
    expect(analyze(o).webhooks.terminalEventsPerGeneration).toEqual({ '1': 4 });
  });

  it('notices an idempotency key that returned two generations', () => {
    const o = cleanRun();
    o.idempotent.push({ key: 'k1', ids: ['gen_001', 'gen_002'] });
    expect(analyze(o).idempotency.split).toEqual(['k1']);
  });

  it('counts records no enqueue acknowledged apart', () => {
    const o = cleanRun();
    o.generations.push({ id: 'gen_orphan', state: 'queued', submitIntents: 0 });
    const a = analyze(o);
    expect(a.unacknowledged).toBe(1);
    expect(a.lost).toEqual([]);
  });

  it('builds histograms', () => {
    expect(histogram([1, 1, 2])).toEqual({ '1': 2, '2': 1 });
  });
});
