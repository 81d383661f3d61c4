/**
 * The baseline: the smallest four-queue BullMQ pipeline that makes the same upstream and storage
 * calls as Reelay (create, get until done, stream the video into S3, POST a webhook), with no
 * status record, no validation, no signing, no fencing and no retries beyond BullMQ's own.
 * Everything a job needs travels in its data. Completed jobs are removed, failed ones kept.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { s3Client } from './aws.ts';
import { copyBare } from './copy.ts';

export const BASELINE_STAGES = ['submit', 'poll', 'sink', 'notify'] as const;
export type BaselineStage = (typeof BASELINE_STAGES)[number];

export type BaselineOptions = {
  redisUrl: string;
  prefix: string;
  vtrixUrl: string;
  apiKey: string;
  s3Endpoint: string;
  bucket: string;
  receiverUrl: string;
  pollDelayMs: number;
  partSizeBytes: number;
  concurrency: Record<BaselineStage, number>;
  /** Stages this process consumes (all by default; the scale scenario runs pollers only). */
  stages: readonly BaselineStage[];
};

export type SubmitData = { id: string; request: unknown };
export type PollData = { id: string; taskId: string };
type SinkData = PollData & { url: string };

const JOB_OPTS = { attempts: 3, removeOnComplete: true, removeOnFail: 1_000 };

/** Adds the submit jobs for `items` (what a producer of the baseline does). */
export function baselineQueue(connection: Redis, prefix: string, stage: BaselineStage): Queue {
  return new Queue(stage, { connection, prefix, defaultJobOptions: JOB_OPTS });
}

type TaskReply = { id?: string; status?: string; output?: Array<{ content?: Array<{ url?: string }> }> };

export type StageTimes = Record<string, { count: number; totalMs: number }>;

export function startBaseline(opts: BaselineOptions): {
  close(): Promise<void>;
  workers: Worker[];
  /** Jobs run and time spent in each stage's processor (Reelay's reelay_stage_duration_seconds). */
  stageTimes: StageTimes;
} {
  const stageTimes: StageTimes = {};
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queues = Object.fromEntries(
    BASELINE_STAGES.map((s) => [s, baselineQueue(connection, opts.prefix, s)]),
  ) as Record<BaselineStage, Queue>;
  const api = new Agent({ connections: 64 });
  const s3 = s3Client(opts.s3Endpoint);
  const auth = { authorization: `Bearer ${opts.apiKey}` };
  const delayed = () => ({ delay: Math.round(opts.pollDelayMs * (0.8 + 0.4 * Math.random())) });

  async function vtrix(method: 'GET' | 'POST', path: string, body?: string): Promise<TaskReply> {
    const res = await request(`${opts.vtrixUrl}${path}`, {
      method,
      dispatcher: api,
      headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
      ...(body ? { body } : {}),
    });
    const json = (await res.body.json()) as TaskReply;
    if (res.statusCode !== 200) throw new Error(`vtrix ${method} ${path} answered ${res.statusCode}`);
    return json;
  }

  const processors: Record<BaselineStage, (data: never) => Promise<void>> = {
    async submit({ id, request: params }: SubmitData) {
      const task = await vtrix(
        'POST',
        '/model/v1/generation',
        JSON.stringify({ model: 'wan27_i2v', input: [{ params }] }),
      );
      await queues.poll.add('poll', { id, taskId: task.id }, delayed());
    },
    async poll({ id, taskId }: PollData) {
      const task = await vtrix('GET', `/model/v1/generation/task/${taskId}`);
      if (task.status === 'completed') {
        const url = task.output?.[0]?.content?.[0]?.url;
        if (!url) throw new Error(`task ${taskId} completed without a URL`);
        await queues.sink.add('sink', { id, taskId, url });
      } else if (task.status !== 'failed') {
        await queues.poll.add('poll', { id, taskId }, delayed());
      }
    },
    async sink({ id, taskId, url }: SinkData) {
      const key = `generations/${id}.mp4`;
      await copyBare(url, s3, opts.bucket, key, opts.partSizeBytes);
      await queues.notify.add('notify', { id, taskId, key });
    },
    async notify({ id, taskId, key }: PollData & { key: string }) {
      const body = JSON.stringify({
        type: 'generation.succeeded',
        data: { id, upstream: { taskId }, output: { bucket: opts.bucket, key } },
      });
      const res = await request(opts.receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
    },
  };

  const workers = opts.stages.map(
    (stage) =>
      new Worker(
        stage,
        async (job) => {
          const t0 = performance.now();
          try {
            await processors[stage](job.data as never);
          } finally {
            const t = stageTimes[stage] ?? { count: 0, totalMs: 0 };
            stageTimes[stage] = t;
            t.count++;
            t.totalMs += performance.now() - t0;
          }
        },
        {
          connection,
          prefix: opts.prefix,
          concurrency: opts.concurrency[stage],
        },
      ),
  );
  for (const w of workers)
    w.on('error', (err) => process.stderr.write(`baseline ${w.name}: ${err.message}\n`));

  return {
    workers,
    stageTimes,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await api.close();
      s3.destroy();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
