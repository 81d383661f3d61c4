/**
 * Batches under chaos: part of the plan arrives as a few batches (one tenant each, a webhook to
 * the receiver). At the end every batch is read back (its record, its members one by one, its
 * results file, the receiver's batch.completed deliveries) and checked by pure invariants.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type BatchCounts, type BatchResultLine, batchWebhookId, GENERATION_STATES } from '@reelay/contracts';
import type { WebhookReceiver } from '@reelay/devstack';
import type { Producer } from '@reelay/producer';
import { TERMINAL } from './analyze.ts';
import type { InvariantResult } from './invariants.ts';
import type { EnqueueItem } from './plan.ts';
import type { Profile } from './profiles.ts';
import type { Services } from './services.ts';
import { waitUntil } from './wait.ts';

const isTerminal = (state: string) => (TERMINAL as readonly string[]).includes(state);

/** When the last batch of the plan is canceled, after its create returned. */
export const CANCEL_AFTER_MS = 1_500;

/**
 * Turns `profile.batches` groups of `profile.batchSize` single enqueues into batches. A batch's
 * anchor sits at (b + 1/4) / batches of the plan (so the gamma batch comes early, before its
 * budget is reached); its members are the anchor and the next unkeyed indices of the same tenant
 * (every third index). The batch is created when its first member would have been enqueued,
 * under an idempotency key, so a retried create cannot make a second batch. The last batch is
 * canceled shortly after its create (the cancel retried like an enqueue).
 */
export function planBatches(plan: readonly EnqueueItem[], profile: Profile, runId: string): EnqueueItem[] {
  if (profile.batches <= 0 || profile.batchSize <= 0) return [...plan];
  const keyed = new Set(plan.filter((i) => i.idempotencyKey).map((i) => i.index));
  const atOf = new Map(plan.filter((i) => !i.repeat).map((i) => [i.index, i.at]));
  const taken = new Set<number>();
  const batches: EnqueueItem[] = [];
  for (let b = 0; b < profile.batches; b++) {
    const anchor = Math.floor(((b + 0.25) / profile.batches) * profile.generations);
    const members: number[] = [];
    for (let i = anchor; i < profile.generations && members.length < profile.batchSize; i += 3) {
      if (!keyed.has(i) && !taken.has(i)) members.push(i);
    }
    if (members.length === 0) continue;
    for (const m of members) taken.add(m);
    batches.push({
      at: atOf.get(members[0]!) ?? 0,
      index: members[0]!,
      idempotencyKey: `${runId}-batch-${b}`,
      repeat: false,
      members,
      // The last batch is canceled while its members are queued or running.
      ...(b === profile.batches - 1 && profile.batches > 1 ? { cancelAfterMs: CANCEL_AFTER_MS } : {}),
    });
  }
  return [...plan.filter((i) => !taken.has(i.index)), ...batches].sort(
    (a, b) => a.at - b.at || Number(a.repeat) - Number(b.repeat),
  );
}

/** A batch as the suite saw it at the end of the run. */
export type BatchView = {
  id: string;
  tenant: string;
  /** `missing` when getBatch found nothing. */
  state: string;
  round: number;
  counts: BatchCounts;
  manifest?: { bucket: string; key: string };
  /** In item order (listBatchGenerations), each state read by getStatus. */
  members: Array<{ id: string; state: string }>;
  /** The results file: absent when there is no manifest, `error` when it could not be read. */
  file?:
    | { lastModified: number; lines: Array<{ index: number; id: string; state: string }> }
    | { error: string };
  /** Every delivery of `batch.completed` for this batch the receiver got, in arrival order. */
  deliveries: Array<{
    webhookId?: string;
    verified: boolean;
    status: number;
    receivedAt: number;
    state?: string;
    counts?: BatchCounts;
    manifestKey?: string;
  }>;
};

const emptyCounts = (): BatchCounts =>
  ({ total: 0, ...Object.fromEntries(GENERATION_STATES.map((s) => [s, 0])) }) as BatchCounts;

type CompletedBody = {
  type?: string;
  data?: { id?: string; state?: string; counts?: BatchCounts; manifest?: { key?: string } };
};

function batchDeliveries(receiver: WebhookReceiver, id: string): BatchView['deliveries'] {
  return receiver
    .deliveries()
    .filter((d) => d.type === 'batch.completed' && (d.body as CompletedBody | undefined)?.data?.id === id)
    .map((d) => {
      const data = (d.body as CompletedBody).data!;
      return {
        ...(d.webhookId ? { webhookId: d.webhookId } : {}),
        verified: d.verified,
        status: d.status,
        receivedAt: d.receivedAt,
        ...(data.state ? { state: data.state } : {}),
        ...(data.counts ? { counts: data.counts } : {}),
        ...(data.manifest?.key ? { manifestKey: data.manifest.key } : {}),
      };
    });
}

const delivered = (v: Pick<BatchView, 'deliveries'>, webhookId: string) =>
  v.deliveries.some((d) => d.webhookId === webhookId && d.verified && d.status >= 200 && d.status < 300);

/** Waits (bounded) until every batch is finished, has its manifest and its batch.completed got a 2xx. */
export async function waitForBatches(opts: {
  producer: Producer;
  receiver: WebhookReceiver;
  ids: readonly string[];
  timeoutMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<boolean> {
  let remaining = [...opts.ids];
  try {
    await waitUntil(
      async () => {
        const still: string[] = [];
        for (const id of remaining) {
          const b = await opts.producer.getBatch(id).catch(() => undefined);
          const done =
            b !== undefined &&
            b.state !== 'in_progress' &&
            b.manifest !== undefined &&
            delivered({ deliveries: batchDeliveries(opts.receiver, id) }, batchWebhookId(id, b.round));
          if (!done) still.push(id);
        }
        remaining = still;
        return remaining.length === 0;
      },
      {
        what: 'every batch to finish and deliver',
        timeoutMs: opts.timeoutMs,
        intervalMs: 250,
        signal: opts.signal,
      },
    );
    return true;
  } catch (e) {
    if (opts.signal.aborted) throw e;
    opts.log(`batches not finished: ${remaining.join(', ')} (${(e as Error).message})`);
    return false;
  }
}

/** Reads each batch back: record, members (listed, then each via getStatus), results file, deliveries. */
export async function collectBatches(
  s: Pick<Services, 'producer' | 'receiver' | 's3'>,
  ids: readonly string[],
): Promise<BatchView[]> {
  const out: BatchView[] = [];
  for (const id of ids) {
    const batch = await s.producer.getBatch(id);
    const members: BatchView['members'] = [];
    let cursor: string | undefined;
    do {
      const page = await s.producer.listBatchGenerations(id, { limit: 100, ...(cursor ? { cursor } : {}) });
      if (!page) break;
      for (const m of page.items) {
        const status = await s.producer.getStatus(m.id);
        members.push({ id: m.id, state: status?.state ?? 'missing' });
      }
      cursor = page.cursor;
    } while (cursor);
    let file: BatchView['file'];
    if (batch?.manifest) {
      try {
        const got = await s.s3
          .client()
          .send(new GetObjectCommand({ Bucket: batch.manifest.bucket, Key: batch.manifest.key }));
        const text = (await got.Body?.transformToString()) ?? '';
        const lines = text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => {
            const { index, id: member, state } = JSON.parse(l) as BatchResultLine;
            return { index, id: member, state };
          });
        file = { lastModified: got.LastModified?.getTime() ?? Number.POSITIVE_INFINITY, lines };
      } catch (e) {
        file = { error: (e as Error).message };
      }
    }
    out.push({
      id,
      tenant: batch?.tenant ?? '?',
      state: batch?.state ?? 'missing',
      round: batch?.round ?? 0,
      counts: batch?.counts ?? emptyCounts(),
      ...(batch?.manifest ? { manifest: batch.manifest } : {}),
      members,
      ...(file ? { file } : {}),
      deliveries: batchDeliveries(s.receiver, id),
    });
  }
  return out;
}

const list = (xs: readonly string[], n = 5) =>
  xs.length === 0 ? '' : `: ${xs.slice(0, n).join('; ')}${xs.length > n ? '; …' : ''}`;

function countsProblem(b: BatchView): string | undefined {
  const want = emptyCounts();
  want.total = b.members.length;
  for (const m of b.members) {
    if (m.state in want) want[m.state as keyof BatchCounts]++;
    else return `${b.id} member ${m.id} is ${m.state}`;
  }
  const off = (Object.keys(want) as Array<keyof BatchCounts>).filter((k) => b.counts[k] !== want[k]);
  return off.length ? `${b.id} ${off.map((k) => `${k} ${b.counts[k]}≠${want[k]}`).join(', ')}` : undefined;
}

function stateProblem(b: BatchView): string | undefined {
  const allTerminal = b.members.length > 0 && b.members.every((m) => isTerminal(m.state));
  if (b.state === 'in_progress' && allTerminal) return `${b.id} in_progress with every member terminal`;
  if (b.state !== 'in_progress' && !allTerminal)
    return `${b.id} ${b.state} with ${b.members.filter((m) => !isTerminal(m.state)).length} members not terminal`;
  return undefined;
}

/** batch.completed: per round one webhook-id (batchWebhookId), every attempt verified, one of them 2xx, the body agreeing. */
function completedProblem(b: BatchView): string | undefined {
  const expected = Array.from({ length: b.round }, (_, r) => batchWebhookId(b.id, r + 1));
  const stray = [...new Set(b.deliveries.map((d) => d.webhookId ?? '(none)'))].filter(
    (w) => !expected.includes(w),
  );
  if (stray.length) return `${b.id} unexpected webhook-ids ${stray.join(', ')}`;
  if (b.deliveries.some((d) => !d.verified)) return `${b.id} a batch.completed failed signature verification`;
  if (b.state === 'in_progress') return undefined;
  if (b.round < 1) return `${b.id} ${b.state} in round ${b.round}`;
  const missing = expected.filter((w) => !delivered(b, w));
  if (missing.length) return `${b.id} no verified 2xx batch.completed under ${missing.join(', ')}`;
  const last = b.deliveries.filter((d) => d.webhookId === expected.at(-1));
  const wrong = last.find(
    (d) =>
      d.state !== b.state ||
      d.manifestKey !== b.manifest?.key ||
      JSON.stringify(d.counts) !== JSON.stringify(b.counts),
  );
  if (wrong)
    return `${b.id} batch.completed says ${wrong.state} ${JSON.stringify(wrong.counts)} ${wrong.manifestKey}`;
  return undefined;
}

/** The results file: one line per member in item order, states matching, written before the event. */
function fileProblem(b: BatchView): string | undefined {
  if (b.state === 'in_progress') return undefined;
  if (!b.manifest || !b.file) return `${b.id} ${b.state} without a results file`;
  if ('error' in b.file) return `${b.id} results file unreadable: ${b.file.error}`;
  const { lines, lastModified } = b.file;
  if (lines.length !== b.members.length)
    return `${b.id} ${lines.length} lines for ${b.members.length} members`;
  const bad = lines.findIndex(
    (l, i) => l.index !== i || l.id !== b.members[i]!.id || l.state !== b.members[i]!.state,
  );
  if (bad >= 0)
    return `${b.id} line ${bad} ${JSON.stringify(lines[bad])} vs member ${JSON.stringify(b.members[bad])}`;
  const sent = b.deliveries.filter((d) => d.webhookId === batchWebhookId(b.id, b.round));
  // LastModified comes in whole seconds, truncated: a file written before the first delivery
  // arrived has a LastModified no later than that arrival, whatever the granularity.
  const first = Math.min(...sent.map((d) => d.receivedAt));
  if (sent.length && lastModified > first)
    return `${b.id} results file modified ${lastModified - first} ms after batch.completed arrived`;
  return undefined;
}

export function checkBatchInvariants(batches: readonly BatchView[], planned: number): InvariantResult[] {
  const problems = (f: (b: BatchView) => string | undefined) =>
    batches.map(f).filter((p): p is string => p !== undefined);
  const counts = problems(countsProblem);
  const states = problems(stateProblem);
  const completed = problems(completedProblem);
  const files = problems(fileProblem);
  const finished = batches.filter((b) => b.state === 'completed' || b.state === 'canceled').length;
  const members = batches.reduce((n, b) => n + b.members.length, 0);
  const seen = `${batches.length} batches accepted of ${planned} planned (${members} members), ${finished} finished`;
  return [
    {
      name: "every batch's counts equal its members' states",
      // A planned batch that none was accepted of would leave these checks with nothing to check.
      ok: counts.length === 0 && (planned === 0 || batches.length > 0),
      detail: `${seen}; ${counts.length} off${list(counts)}`,
    },
    {
      name: 'no batch is in_progress with every member terminal (nor finished with one that is not)',
      ok: states.length === 0,
      detail: `${states.length} inconsistent${list(states)}`,
    },
    {
      name: 'every finished batch sent batch.completed once per round (one webhook-id, verified, body agreeing)',
      ok: completed.length === 0,
      detail: `${completed.length} wrong${list(completed)}; deliveries per batch ${JSON.stringify(batches.map((b) => b.deliveries.length))}`,
    },
    {
      name: "every finished batch's results file is complete and was written before batch.completed",
      ok: files.length === 0,
      detail: `${files.length} wrong${list(files)}`,
    },
  ];
}
