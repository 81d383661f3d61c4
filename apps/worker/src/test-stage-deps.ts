/**
 * Fakes of everything a stage processor talks to (StageDeps), for unit tests of the stages'
 * decision and repair paths without Redis, an HTTP server or S3:
 * - `store` answers `get` / `getCore` with a record the test controls;
 * - `lifecycle` records every verb call in order and answers with a configurable outcome;
 * - `vtrix` answers `createTask` / `getTask` from per-call scripts (a value, or an Error to throw);
 * - `queues.<stage>.rateLimit(ms)` records the pause;
 * - `webhook.sender.send()` records the request and answers scripted DeliveryOutcomes;
 * - `downloads` is an undici MockAgent (network disabled): intercept the video URL per test;
 * - `s3.client.send()` records each command and answers like S3 would (or fails on request).
 * Clock and randomness are fixed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  createLogger,
  createMetrics,
  DEFAULT_MAX_VIDEO_BYTES,
  type GenerationRecord,
  type Lifecycle,
  type PollSchedule,
  type StageQueues,
  type StatusStore,
  type UpstreamPause,
} from '@reelay/core';
import type { CreatedTask, VtrixClient, VtrixTask } from '@reelay/vtrix';
import {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryOutcome,
  type WebhookRequest,
  type WebhookSender,
} from '@reelay/webhooks';
import type { Job } from 'bullmq';
import { MockAgent } from 'undici';
import type { StageDeps } from './deps.ts';
import { recordOf } from './test-records.ts';

/** The fixed clock of every fake (records from recordOf are created at 1_000). */
export const NOW = 20_000;
/** A valid signing secret (24 bytes of key). */
export const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
/** The origin of the video URLs the tests hand out. */
export const VIDEO_ORIGIN = 'https://cdn.vtrix.test';

/** The stage tests' poll schedule (decide-poll.test.ts too): 10 s after submit the next poll is due in 2 s. */
export const TEST_POLL_SCHEDULE: PollSchedule = {
  initialDelayMs: 1_000,
  maxDelayMs: 8_000,
  ratio: 0.1,
  slackMs: 1_000,
  deadlineMs: 60_000,
  jitter: 0,
};

/** The verbs a stage calls on the lifecycle. */
export const VERBS = [
  'resume',
  'startSubmit',
  'createAnswered',
  'taskCreated',
  'polled',
  'taskDone',
  'urlRefreshed',
  'stored',
  'fail',
  'repair',
  'ensureTerminalEvent',
  'deliveryAttempted',
] as const;
export type Verb = (typeof VERBS)[number];

type VerbResult<V extends Verb> = Awaited<ReturnType<Lifecycle[V]>>;
/** A verb's answer: a value for every call, or a function of the call's arguments. */
type Answer<V extends Verb> = VerbResult<V> | ((...args: Parameters<Lifecycle[V]>) => VerbResult<V>);

/** One scripted answer of a fake client: a value, or an Error to throw. */
export type Scripted<T> = T | Error;

export type FakeOptions = {
  /** What the store holds (both `get` and `getCore`; default recordOf()); undefined: no such generation. */
  record?: GenerationRecord | undefined;
  /** What `resume` answers (default: the record it was given, unchanged). */
  resumed?: GenerationRecord;
  /** Answers of the other verbs (default `{ ok: true }`, `true`, `repaired: <why>` or nothing). */
  lifecycle?: { [V in Exclude<Verb, 'resume'>]?: Answer<V> };
  /** Answers of `createTask`, one per call, in order. */
  creates?: Scripted<CreatedTask>[];
  /** Answers of `getTask`, one per call, in order. */
  tasks?: Scripted<VtrixTask>[];
  /** Answers of the webhook sender, one per send (default: a 200 in 5 ms). */
  deliveries?: DeliveryOutcome[];
  secrets?: string[];
  presignTtlS?: number;
  /** A real S3Client (for presigning, which makes no request); default: the recording fake. */
  s3Client?: S3Client;
  /** Makes the fake S3 fail the named command (`PutObjectCommand`, `UploadPartCommand`, …). */
  s3FailOn?: string;
  partSizeBytes?: number;
  maxVideoBytes?: number;
  uncertainSubmit?: StageDeps['uncertainSubmit'];
  /** The upstream pause the submit sees (default: none), and whether this caller wins the probe. */
  upstreamPause?: UpstreamPause | undefined;
  probeWon?: boolean;
  maxInFlight?: number;
  poll?: PollSchedule;
  now?: number;
};

export type VerbCall = { verb: Verb; args: unknown[] };
export type S3Call = { command: string; input: Record<string, unknown> };

export function fakeStageDeps(over: FakeOptions = {}) {
  let record = 'record' in over ? over.record : recordOf();
  const calls: VerbCall[] = [];
  const storeReads: Array<{ method: 'get' | 'getCore'; id: string; opts?: unknown }> = [];
  const rateLimits: Record<keyof StageQueues, number[]> = { submit: [], poll: [], sink: [], notify: [] };
  const creates: Array<{ params: unknown; opts: unknown }> = [];
  const getTasks: Array<{ taskId: string; opts: unknown }> = [];
  const sent: WebhookRequest[] = [];
  const s3Calls: S3Call[] = [];
  const createScript = [...(over.creates ?? [])];
  const taskScript = [...(over.tasks ?? [])];
  const deliveryScript = [...(over.deliveries ?? [])];

  const store = {
    async get(id: string, opts?: { attempts?: boolean }) {
      storeReads.push({ method: 'get', id, opts });
      return record;
    },
    async getCore(id: string) {
      storeReads.push({ method: 'getCore', id });
      return record;
    },
  } as unknown as StatusStore;

  const defaults: { [V in Exclude<Verb, 'resume'>]: Answer<V> } = {
    startSubmit: { ok: true },
    createAnswered: true,
    taskCreated: { ok: true },
    polled: { ok: true },
    taskDone: { ok: true },
    urlRefreshed: true,
    stored: { ok: true },
    fail: { ok: true },
    repair: (_id, why) => `${why}; repaired`,
    ensureTerminalEvent: undefined,
    deliveryAttempted: true,
  };
  const verb =
    (name: Verb, answer: (args: unknown[]) => unknown) =>
    async (...args: unknown[]) => {
      calls.push({ verb: name, args });
      return answer(args);
    };
  const lifecycleFake: Record<string, unknown> = {
    resume: verb('resume', (args) => over.resumed ?? args[0]),
  };
  for (const name of VERBS) {
    if (name === 'resume') continue;
    const answer = over.lifecycle?.[name] ?? defaults[name];
    lifecycleFake[name] = verb(name, (args) =>
      typeof answer === 'function' ? (answer as (...a: unknown[]) => unknown)(...args) : answer,
    );
  }
  const lifecycle = lifecycleFake as unknown as Lifecycle;

  const next = <T>(script: Scripted<T>[], what: string): T => {
    if (!script.length) throw new Error(`unscripted ${what} call`);
    const answer = script.shift()!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const vtrix: VtrixClient = {
    async createTask(params, opts) {
      creates.push({ params, opts });
      return next(createScript, 'createTask');
    },
    async getTask(taskId, opts) {
      getTasks.push({ taskId, opts });
      return next(taskScript, 'getTask');
    },
    async close() {},
  };

  const queues = Object.fromEntries(
    (['submit', 'poll', 'sink', 'notify'] as const).map((stage) => [
      stage,
      {
        async rateLimit(ms: number) {
          rateLimits[stage].push(ms);
        },
      },
    ]),
  ) as unknown as StageQueues;

  const sender: WebhookSender = {
    async send(req) {
      sent.push(req);
      return deliveryScript.shift() ?? { ok: true, status: 200, latencyMs: 5 };
    },
    async close() {},
  };

  const fakeS3 = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      s3Calls.push({ command: name, input: command.input });
      if (over.s3FailOn === name) throw new Error(`S3 refused ${name}`);
      if (name === 'CreateMultipartUploadCommand') return { UploadId: 'upload-1' };
      if (name === 'UploadPartCommand') return { ETag: `"etag-${String(command.input.PartNumber)}"` };
      return {};
    },
  };

  const downloads = new MockAgent();
  downloads.disableNetConnect();

  // No stage test reads a batch: a read would be a stage reaching for what it should not.
  const batches = new Proxy({} as StageDeps['batches'], {
    get: (_, name) => () => {
      throw new Error(`batches.${String(name)} is not faked: batch stages are tested against Redis`);
    },
  });

  // The upstream pause, in memory: what the submit asked and changed is in `pauseCalls`.
  let pauseState: UpstreamPause | undefined = over.upstreamPause;
  const pauseCalls: string[] = [];
  const upstream: StageDeps['upstream'] = {
    probeMs: 60_000,
    current: async () => pauseState,
    claimProbe: async () => {
      pauseCalls.push('claimProbe');
      return over.probeWon ?? false;
    },
    probeWaitMs: async () => 30_000,
    pause: async (p) => {
      pauseCalls.push(`pause ${p.code}`);
      pauseState = { ...p, since: NOW };
    },
    resume: async () => {
      pauseCalls.push('resume');
      const was = pauseState !== undefined;
      pauseState = undefined;
      return was;
    },
  };

  const deps: StageDeps = {
    store,
    batches,
    lifecycle,
    queues,
    vtrix,
    s3: {
      client: over.s3Client ?? (fakeS3 as unknown as S3Client),
      bucket: 'videos',
      keyPrefix: 'out/',
      partSizeBytes: over.partSizeBytes ?? 5 * 1024 * 1024,
    },
    downloads,
    maxVideoBytes: over.maxVideoBytes ?? DEFAULT_MAX_VIDEO_BYTES,
    webhook: {
      sender,
      secrets: over.secrets ?? [SECRET],
      policy: DEFAULT_DELIVERY_POLICY,
      presignTtlS: over.presignTtlS ?? 0,
    },
    poll: over.poll ?? TEST_POLL_SCHEDULE,
    maxInFlight: over.maxInFlight ?? 4,
    uncertainSubmit: over.uncertainSubmit ?? 'resubmit',
    upstream,
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    now: () => over.now ?? NOW,
    random: () => 0.5,
  };

  return {
    deps,
    /** Every lifecycle verb call, in order. */
    calls,
    /** The verbs called, in order. */
    verbs: () => calls.map((c) => c.verb),
    /** The arguments of each call of one verb, in order. */
    argsOf: (name: Verb) => calls.filter((c) => c.verb === name).map((c) => c.args),
    /** The submit's calls on the upstream pause, in order. */
    pauseCalls,
    /** Every read of the store, with its options. */
    storeReads,
    rateLimits,
    creates,
    getTasks,
    sent,
    s3Calls,
    /** The download edge: intercept video URLs on it (network is disabled). */
    downloads,
    /** Changes what the store holds from now on. */
    setRecord(r: GenerationRecord | undefined) {
      record = r;
    },
  };
}

export type FakeStageDeps = ReturnType<typeof fakeStageDeps>;

/** A BullMQ job as a stage sees it; `delayed` records its `moveToDelayed` calls. */
export function fakeJob<D>(
  data: D,
  over: { id?: string; attemptsMade?: number; attempts?: number } = {},
): { job: Job<D>; delayed: Array<{ timestamp: number; token: string | undefined }> } {
  const delayed: Array<{ timestamp: number; token: string | undefined }> = [];
  const job = {
    id: over.id ?? 'job-1',
    data,
    attemptsMade: over.attemptsMade ?? 0,
    opts: { attempts: over.attempts ?? 3 },
    async moveToDelayed(timestamp: number, token?: string) {
      delayed.push({ timestamp, token });
    },
  };
  return { job: job as unknown as Job<D>, delayed };
}
