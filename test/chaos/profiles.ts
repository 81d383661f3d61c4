/**
 * Run profiles. Times are milliseconds from the moment the first generation is enqueued.
 * Kills and faults run for `chaosMs`; then faults stop and the run drains (bounded): the drain
 * must cover BullMQ's stalled-job recovery of the last kills (lock 30 s + check interval 30 s).
 */
export type Profile = {
  name: string;
  generations: number;
  /** Enqueues are spread evenly over this window. */
  enqueueMs: number;
  /** Fraction of generations enqueued twice under one idempotency key. */
  idempotentFraction: number;
  /** How many batches part of the plan arrives as (batches.ts), and how many members each has. */
  batches: number;
  batchSize: number;
  workers: number;
  chaosMs: number;
  firstKillMs: number;
  /** Gap between two kills, uniform in [min, max). */
  killGapMs: readonly [number, number];
  /** Redis is SIGKILLed and restarted from its AOF once, at a time drawn in this range. */
  redisRestartMs: readonly [number, number];
  s3OutageStartMs: readonly [number, number];
  s3OutageMs: number;
  /** Per answered Redis write, the chance a worker kills itself right there (crash-points.ts). */
  crashP: number;
  /** The same, per answered write of a status record (the stages' compare-and-set steps). */
  crashRecordP: number;
  /** Per Redis reply to a worker, the chance it is dropped and the connection reset (redis-link.ts). */
  redisCutRate: number;
  /** After the chaos phase: how long the rest may take to become terminal and delivered. */
  drainTimeoutMs: number;
};

export const PROFILES: Record<string, Profile> = {
  ci: {
    name: 'ci',
    generations: 200,
    enqueueMs: 40_000,
    idempotentFraction: 0.15,
    batches: 4,
    batchSize: 6,
    workers: 3,
    chaosMs: 45_000,
    firstKillMs: 3_000,
    killGapMs: [2_500, 5_000],
    redisRestartMs: [15_000, 25_000],
    s3OutageStartMs: [26_000, 33_000],
    s3OutageMs: 10_000,
    crashP: 0.0005,
    crashRecordP: 0.005,
    redisCutRate: 0.002,
    drainTimeoutMs: 120_000,
  },
  medium: {
    name: 'medium',
    generations: 600,
    enqueueMs: 100_000,
    idempotentFraction: 0.15,
    batches: 8,
    batchSize: 8,
    workers: 3,
    chaosMs: 110_000,
    firstKillMs: 3_000,
    killGapMs: [3_000, 6_000],
    redisRestartMs: [30_000, 70_000],
    s3OutageStartMs: [40_000, 90_000],
    s3OutageMs: 10_000,
    crashP: 0.0005,
    crashRecordP: 0.005,
    redisCutRate: 0.002,
    drainTimeoutMs: 240_000,
  },
  full: {
    name: 'full',
    generations: 2_000,
    enqueueMs: 300_000,
    idempotentFraction: 0.15,
    batches: 16,
    batchSize: 12,
    workers: 3,
    chaosMs: 310_000,
    firstKillMs: 3_000,
    killGapMs: [3_000, 6_000],
    redisRestartMs: [100_000, 200_000],
    s3OutageStartMs: [120_000, 280_000],
    s3OutageMs: 10_000,
    crashP: 0.0005,
    crashRecordP: 0.005,
    redisCutRate: 0.002,
    drainTimeoutMs: 420_000,
  },
};

/** Upstream faults while the chaos phase lasts (simulator switches). */
export const SIM_FAULTS = {
  serverErrorRate: 0.05,
  rateLimitRate: 0.05,
  retryAfterS: 1,
  latencyMs: 50,
  failRate: 0.05,
  stuckRate: 0.01,
  taskDurationMs: 300,
  taskDurationJitterMs: 1_200,
  expireFirstUrl: true,
} as const;

/** What the simulator does once faults stop: tasks already made keep their fate. */
export const SIM_CALM = {
  serverErrorRate: 0,
  rateLimitRate: 0,
  latencyMs: 0,
  failRate: 0,
  stuckRate: 0,
  expireFirstUrl: false,
} as const;

export const RECEIVER_FAIL_RATE = 0.3;
