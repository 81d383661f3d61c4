import { batchWebhookId } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { type BatchView, CANCEL_AFTER_MS, checkBatchInvariants, planBatches } from './batches.ts';
import { planEnqueues } from './plan.ts';
import { PROFILES } from './profiles.ts';
import { tenantOf } from './tenants.ts';

const ci = PROFILES.ci!;
const ID = 'bat_01hzzzzzzzzzzzzzzzzzzzzzzz';

/** A finished batch of three (two succeeded, one failed), its file and one retried delivery. */
function cleanBatch(): BatchView {
  const members = [
    { id: 'gen_a', state: 'succeeded' },
    { id: 'gen_b', state: 'failed' },
    { id: 'gen_c', state: 'succeeded' },
  ];
  const counts = {
    total: 3,
    queued: 0,
    submitting: 0,
    running: 0,
    copying: 0,
    succeeded: 2,
    failed: 1,
    canceled: 0,
  };
  const key = `generations/batches/${ID}.jsonl`;
  const delivery = {
    webhookId: batchWebhookId(ID, 1),
    verified: true,
    state: 'completed',
    counts: { ...counts },
    manifestKey: key,
  };
  return {
    id: ID,
    tenant: 'alpha',
    state: 'completed',
    round: 1,
    counts,
    manifest: { bucket: 'b', key },
    members,
    // LastModified in whole seconds, after the true write (1_500): the floor of it.
    file: { lastModified: 1_000, lines: members.map((m, index) => ({ index, ...m })) },
    deliveries: [
      { ...delivery, status: 503, receivedAt: 1_600 },
      { ...delivery, status: 204, receivedAt: 2_400 },
    ],
  } as BatchView;
}

const failing = (batches: BatchView[], planned = batches.length) =>
  checkBatchInvariants(batches, planned)
    .filter((i) => !i.ok)
    .map((i) => i.name);

const COUNTS = "every batch's counts equal its members' states";
const STATE = 'no batch is in_progress with every member terminal (nor finished with one that is not)';
const COMPLETED =
  'every finished batch sent batch.completed once per round (one webhook-id, verified, body agreeing)';
const FILE = "every finished batch's results file is complete and was written before batch.completed";

describe('checkBatchInvariants', () => {
  it('passes clean batches, and an unfinished one with counts that match', () => {
    expect(failing([cleanBatch()])).toEqual([]);
    const running = cleanBatch();
    running.state = 'in_progress';
    running.members[1]!.state = 'running';
    running.counts.failed = 0;
    running.counts.running = 1;
    running.deliveries = [];
    delete running.file;
    delete running.manifest;
    expect(failing([cleanBatch(), running])).toEqual([]);
    expect(checkBatchInvariants([cleanBatch()], 1)).toHaveLength(4);
  });

  it('fails on counts that differ from the members, and when no planned batch was accepted', () => {
    const b = cleanBatch();
    b.counts.succeeded = 3;
    b.counts.failed = 0;
    const [counts] = checkBatchInvariants([b], 1);
    expect(counts).toMatchObject({ name: COUNTS, ok: false });
    expect(counts!.detail).toContain('succeeded 3≠2');
    const total = cleanBatch();
    total.members.pop();
    total.file = { lastModified: 1_000, lines: total.members.map((m, index) => ({ index, ...m })) };
    expect(failing([total])).toContain(COUNTS);
    expect(failing([], 4)).toEqual([COUNTS]);
  });

  it('fails on a batch in_progress with every member terminal, and on a finished one with a member not', () => {
    const stuck = cleanBatch();
    stuck.state = 'in_progress';
    expect(failing([stuck])).toEqual([STATE]);
    const early = cleanBatch();
    early.members[0]!.state = 'running';
    early.counts.succeeded = 1;
    early.counts.running = 1;
    expect(failing([early])).toContain(STATE);
  });

  it('fails on batch.completed never accepted, under a second webhook-id, unsigned, or saying something else', () => {
    const none = cleanBatch();
    none.deliveries = none.deliveries.filter((d) => d.status !== 204);
    expect(failing([none])).toEqual([COMPLETED]);
    const twice = cleanBatch();
    twice.deliveries.push({
      ...twice.deliveries[1]!,
      webhookId: `${batchWebhookId(ID)}_x`,
      receivedAt: 3_000,
    });
    expect(failing([twice])).toEqual([COMPLETED]);
    const round2 = cleanBatch();
    round2.deliveries.push({ ...round2.deliveries[1]!, webhookId: batchWebhookId(ID, 2) });
    expect(failing([round2])).toEqual([COMPLETED]);
    const unsigned = cleanBatch();
    unsigned.deliveries[0]!.verified = false;
    expect(failing([unsigned])).toEqual([COMPLETED]);
    const stale = cleanBatch();
    for (const d of stale.deliveries) d.counts = { ...d.counts!, failed: 0, succeeded: 3 };
    expect(failing([stale])).toEqual([COMPLETED]);
  });

  it('fails on a missing, short or wrong results file, and on one written after the event arrived', () => {
    const missing = cleanBatch();
    delete missing.file;
    expect(failing([missing])).toEqual([FILE]);
    const unreadable = cleanBatch();
    unreadable.file = { error: 'NoSuchKey' };
    expect(failing([unreadable])).toEqual([FILE]);
    const short = cleanBatch();
    if (short.file && 'lines' in short.file) short.file.lines.pop();
    expect(failing([short])).toEqual([FILE]);
    const wrong = cleanBatch();
    if (wrong.file && 'lines' in wrong.file) wrong.file.lines[1]!.state = 'succeeded';
    expect(failing([wrong])).toEqual([FILE]);
    const late = cleanBatch();
    // Written (truncated to the second) after the first attempt arrived at 1_600.
    if (late.file && 'lines' in late.file) late.file.lastModified = 2_000;
    const [, , , file] = checkBatchInvariants([late], 1);
    expect(file).toMatchObject({ name: FILE, ok: false });
    expect(file!.detail).toContain('400 ms after');
    // Within the same second as the first arrival is not after it.
    if (late.file && 'lines' in late.file) late.file.lastModified = 1_600;
    expect(failing([late])).toEqual([]);
  });
});

describe('planBatches', () => {
  it('groups unkeyed single enqueues of one tenant into batches, each generation planned once', () => {
    const singles = planEnqueues(ci, 5, 'run');
    const plan = planBatches(singles, ci, 'run');
    expect(planBatches(singles, ci, 'run')).toEqual(plan);
    const batches = plan.filter((i) => i.members);
    expect(batches).toHaveLength(ci.batches);
    const planned = plan.filter((i) => !i.repeat).flatMap((i) => i.members ?? [i.index]);
    expect(planned.sort((a, b) => a - b)).toEqual(Array.from({ length: ci.generations }, (_, i) => i));
    const keyed = new Set(singles.filter((i) => i.idempotencyKey).map((i) => i.index));
    for (const b of batches) {
      expect(b.members).toHaveLength(ci.batchSize);
      expect(b.members![0]).toBe(b.index);
      expect(new Set(b.members!.map(tenantOf))).toEqual(new Set([tenantOf(b.index)]));
      expect(b.members!.some((m) => keyed.has(m))).toBe(false);
      expect(b.idempotencyKey).toMatch(/^run-batch-/);
    }
    // The last one is canceled soon after its create, the others run to the end.
    expect(batches.map((b) => b.cancelAfterMs)).toEqual([undefined, undefined, undefined, CANCEL_AFTER_MS]);
    // Every tenant gets a batch.
    expect(new Set(batches.map((b) => tenantOf(b.index)))).toEqual(new Set(['alpha', 'beta', 'gamma']));
    expect(plan.map((i) => i.at)).toEqual([...plan.map((i) => i.at)].sort((a, b) => a - b));
  });
});
