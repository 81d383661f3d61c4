/**
 * Gathers a finished run's observations (see observations.ts) and the diagnostics that help
 * name a failure's cause: failed jobs by reason, the records and job states of lost
 * generations, and the worker logs' messages by count.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { jobIds, STAGES, type StageName } from '@reelay/contracts';
import { recordKeys } from '@reelay/core';
import { type ChaosMoments, chaosNear } from './near-events.ts';
import type { DeliveryView, GenerationView, KillView, ObjectView, Observations } from './observations.ts';
import { BUCKET, type Services } from './services.ts';

const PARALLEL = 8;
/** The worker's S3_KEY_PREFIX (its default; the suite does not set it). */
const KEY_PREFIX = 'generations/';
const BATCH_FILE = /^generations\/batches\/bat_[0-9a-z]+\.jsonl$/;

export async function collect(
  s: Services,
  accepted: readonly string[],
  idempotent: Observations['idempotent'],
  kills: KillView[],
): Promise<Observations> {
  const ids = [...new Set([...accepted, ...(await recordIds(s))])];
  const generations = await mapLimit(ids, async (id): Promise<GenerationView> => {
    const status = await s.producer.getStatus(id);
    if (!status) return { id, state: 'missing', submitIntents: 0 };
    return {
      id,
      state: status.state,
      submitIntents: status.upstream.submitIntents,
      ...(status.upstream.taskId ? { taskId: status.upstream.taskId } : {}),
      ...(status.output
        ? { output: { key: status.output.key, size: status.output.size, sha256: status.output.sha256 } }
        : {}),
    };
  });
  const expectedSha256: Record<string, string> = {};
  for (const g of generations) {
    if (g.taskId) expectedSha256[g.taskId] = await s.sim.expectedSha256(g.taskId).catch(() => 'unknown task');
  }
  const deliveries: DeliveryView[] = s.receiver.deliveries().map((d) => {
    const id = (d.body as { data?: { id?: unknown } } | undefined)?.data?.id;
    return {
      verified: d.verified,
      status: d.status,
      ...(d.webhookId ? { webhookId: d.webhookId } : {}),
      ...(d.type ? { type: d.type } : {}),
      ...(typeof id === 'string' ? { generationId: id } : {}),
    };
  });
  return {
    accepted: [...accepted],
    idempotent,
    generations,
    createsByGeneration: s.sim.stats().createsByGeneration,
    expectedSha256,
    ...(await bucketObjects(
      s,
      generations.map((g) => g.id),
    )),
    deliveries,
    kills,
  };
}

/** Every status record under the run's prefix, acknowledged or not. */
export async function recordIds(s: Pick<Services, 'prefix' | 'monitor'>): Promise<string[]> {
  const keys = recordKeys(s.prefix);
  const pattern = `${keys.record('')}*`;
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await s.monitor.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const id = keys.recordIdOf(key);
      if (id) out.push(id);
    }
  } while (cursor !== '0');
  return out;
}

/** Every object in the bucket, hashed; the listing's error when s3rver could not list it. */
async function bucketObjects(
  s: Services,
  ids: readonly string[],
): Promise<{ objects: ObjectView[]; listingError?: string }> {
  const client = s.s3.client();
  let keys: string[] = [];
  let listingError: string | undefined;
  try {
    let token: string | undefined;
    do {
      const page = await retry(() =>
        client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token })),
      );
      // Batch results files are read and checked with their batches (batches.ts).
      for (const o of page.Contents ?? []) if (o.Key && !BATCH_FILE.test(o.Key)) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    // s3rver keeps objects as files and can trip over one (seen on long runs); fall back to the
    // keys the generations should have, so the per-generation checks still run.
    listingError = (e as Error).message;
    keys = ids.map((id) => `${KEY_PREFIX}${id}.mp4`);
  }
  const objects = await mapLimit(keys, async (key): Promise<ObjectView | undefined> => {
    try {
      const bytes = await retry(async () => {
        const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        return Buffer.from(await got.Body!.transformToByteArray());
      });
      return { key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return undefined;
      // An object the server never serves is a finding, not a crash of the suite.
      return { key, size: -1, sha256: `unreadable: ${(e as Error).message}` };
    }
  });
  return { objects: objects.filter((o) => o !== undefined), ...(listingError ? { listingError } : {}) };
}

/** Failed jobs per stage, by reason: "job stalled more than allowable limit" names itself here. */
export async function failedJobs(s: Services): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const stage of STAGES) {
    const jobs = await s.producer.ops.queues[stage].getJobs(['failed'], 0, -1);
    const reasons: Record<string, number> = {};
    for (const job of jobs) {
      const reason = (job.failedReason ?? '?').slice(0, 120);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    if (jobs.length) out[stage] = reasons;
  }
  return out;
}

/** What a lost generation's record and jobs look like, to tell which step never happened. */
export async function diagnoseLost(
  s: Services,
  ids: readonly string[],
  runStart: number,
  chaos: ChaosMoments,
) {
  const { store, queues } = s.producer.ops;
  return mapLimit(ids.slice(0, 25), async (id) => {
    const record = await store.get(id);
    const pollN = record?.pollN ?? 0;
    const job = async (stage: StageName, jobId: string) => {
      const found = await queues[stage].getJob(jobId);
      if (!found) return 'none (never added, or removed on completion)';
      const state = await found.getState();
      return { state, attempts: found.attemptsMade, returned: found.returnvalue, failed: found.failedReason };
    };
    const last = record?.timeline.at(-1)?.at ?? runStart;
    return {
      id,
      state: record?.state ?? 'missing',
      timeline: record?.timeline
        .map((t) => `${t.state}@${((t.at - runStart) / 1000).toFixed(3)}s`)
        .join(' → '),
      chaosNearLastChange: chaosNear(last - runStart, chaos),
      taskId: record?.upstream.taskId,
      intentOpen: record?.intentOpen,
      pollN,
      attempts: record?.attempts,
      error: record?.error,
      jobs: {
        submit: await job('submit', jobIds.submit(id)),
        [`poll.${pollN}`]: await job('poll', jobIds.poll(id, pollN)),
        [`poll.${pollN + 1}`]: await job('poll', jobIds.poll(id, pollN + 1)),
        sink: await job('sink', jobIds.sink(id)),
      },
    };
  });
}

/** Worker log lines by level and message, over every worker's log. */
export async function logMessages(logDir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const file of (await readdir(logDir)).filter((f) => f.endsWith('.log'))) {
    const text = await readFile(`${logDir}/${file}`, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let key: string;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        key = `${entry.level ?? '?'} ${entry.msg ?? ''}`;
      } catch {
        key = `raw ${line.slice(0, 100)}`;
      }
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

/** s3rver answers a busy moment with a 500 now and then: a few tries before giving up. */
async function retry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= tries) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}
