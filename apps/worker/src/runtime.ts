import { parseStageJob, STAGES, type StageName } from '@reelay/contracts';
import {
  closeQueues,
  createRedis,
  type Logger,
  QUEUE_NAMES,
  type ReelayConfig,
  WEBHOOK_BACKOFF,
} from '@reelay/core';
import { DelayedError, type Job, type Processor, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import { sweepDeadlines } from './deadline-sweeper.ts';
import type { StageDeps } from './deps.ts';
import { startHealthServer } from './health-server.ts';
import { jobDeps } from './job-deps.ts';
import { createStageDeps } from './stage-deps-factory.ts';
import { pollLimiter, submitLimiter } from './stage-limiters.ts';
import { isDeliveryRetry, processNotify } from './stages/notify.ts';
import { processPoll } from './stages/poll.ts';
import { processSink } from './stages/sink.ts';
import { processSubmit } from './stages/submit.ts';
import { GATE_TICK_MS, tickGate } from './tenant-gate.ts';

export type RunningWorker = {
  workers: Record<StageName, Worker>;
  deps: StageDeps;
  /** Resolves once the health server listens: its URL, or undefined when it could not start. */
  metricsUrl: Promise<string | undefined>;
  /** Stops taking jobs, lets in-flight ones finish within `timeoutMs`, then closes everything. */
  close(timeoutMs?: number): Promise<void>;
};

const PROCESSORS: Record<
  StageName,
  (job: Job, deps: StageDeps, token?: string, signal?: AbortSignal) => Promise<string>
> = {
  submit: processSubmit,
  poll: processPoll,
  sink: processSink,
  notify: processNotify,
};

/** How soon an interrupted job may run again (on another worker). */
const INTERRUPTED_DELAY_MS = 250;
/** How long interrupted jobs get to put themselves back before the process stops waiting. */
const INTERRUPT_GRACE_MS = 5_000;

/** Starts one BullMQ worker per stage in this process. */
export function startWorker(
  config: ReelayConfig,
  log: Logger,
  overrides: Partial<StageDeps> = {},
): RunningWorker {
  const redis = createRedis(config.redisUrl, 'worker', {}, log);
  const deps = createStageDeps(config, redis, log, overrides);
  const workers = {} as Record<StageName, Worker>;
  for (const stage of STAGES) {
    const processor: Processor = async (job, token, signal) => {
      const end = deps.metrics.stageDuration.startTimer({ stage });
      try {
        checkJob(stage, job, log);
        const result = await PROCESSORS[stage](job, jobDeps(deps, stage, job), token, signal);
        deps.metrics.jobs.inc({ stage, outcome: 'completed' });
        return result;
      } catch (e) {
        if (signal?.aborted && !(e instanceof DelayedError)) {
          // Shutdown ran out of time: put the job back at once, without spending an attempt
          // and without leaving it to the stalled-job check (which waits out the lock).
          deps.metrics.jobs.inc({ stage, outcome: 'interrupted' });
          await job.moveToDelayed(Date.now() + INTERRUPTED_DELAY_MS, token);
          throw new DelayedError();
        }
        deps.metrics.jobs.inc({ stage, outcome: outcomeOf(e) });
        throw e;
      } finally {
        end();
      }
    };
    const limiter =
      stage === 'submit'
        ? submitLimiter(config.submit.ratePerSec)
        : stage === 'poll'
          ? pollLimiter(config.pollRatePerSec)
          : undefined;
    const worker = new Worker(QUEUE_NAMES[stage], processor, {
      connection: redis,
      prefix: config.prefix,
      concurrency: config.concurrency[stage],
      // A killed worker's jobs come back after the lock expires and the next stalled check.
      lockDuration: config.stalled.lockDurationMs,
      stalledInterval: config.stalled.checkIntervalMs,
      // Every stage is idempotent: a job whose worker died more than once is re-run, not failed
      // by BullMQ behind the generation's back (the default of 1 stranded such generations).
      maxStalledCount: 10,
      ...(limiter ? { limiter } : {}),
      settings: {
        // Webhook retries follow the delivery schedule (and Retry-After), decided per attempt.
        backoffStrategy: (attemptsMade, type, err) =>
          type === WEBHOOK_BACKOFF && isDeliveryRetry(err)
            ? err.delayMs
            : Math.min(60_000, 1_000 * 2 ** attemptsMade),
      },
    });
    worker.on('error', (err) => log.error({ err, stage }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (job)
        log.debug(
          {
            generationId: job.data?.generationId,
            stage,
            jobId: job.id,
            attempt: job.attemptsMade,
            err: err.message,
          },
          'job failed',
        );
    });
    workers[stage] = worker;
  }
  log.info({ prefix: config.prefix, concurrency: config.concurrency }, 'worker started');
  const health = startHealthServer({
    port: config.metricsPort,
    host: config.metricsHost,
    metrics: deps.metrics,
    queues: deps.queues,
    workers: Object.values(workers),
    redis,
    prefix: config.prefix,
  }).catch((err: Error) => {
    // A second worker on one host must not die for want of a metrics port: say so loudly instead.
    log.error({ err, port: config.metricsPort }, '/metrics, /healthz and /readyz are not served');
    return undefined;
  });

  const sweeper = setInterval(() => {
    sweepDeadlines(deps, config.generationDeadlineMs).then(
      (n) => n && log.warn({ ended: n }, 'generations failed at their deadline'),
      (err: Error) => log.error({ err }, 'deadline sweep failed'),
    );
  }, config.sweepIntervalMs);
  sweeper.unref();

  // Producers grant under the MAX_IN_FLIGHT the workers publish; then the gate runs at once.
  const gateTick = () =>
    tickGate(deps).then(
      ({ repaired }) =>
        repaired &&
        log.warn({ repaired }, 'granted generations or finished batches whose job was lost: re-added'),
      (err: Error) => log.error({ err }, 'tenant gate failed'),
    );
  deps.lifecycle
    .publishMaxInFlight()
    .then(gateTick, (err: Error) => log.error({ err }, 'tenant gate failed'));
  const gate = setInterval(gateTick, GATE_TICK_MS);
  gate.unref();

  let closing: Promise<void> | undefined;
  return {
    workers,
    deps,
    metricsUrl: health.then((h) => h?.url),
    close(timeoutMs = config.shutdownTimeoutMs) {
      closing ??= (async () => {
        clearInterval(sweeper);
        clearInterval(gate);
        const graceful = Promise.all(Object.values(workers).map((w) => w.close()));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        if ((await Promise.race([graceful, timedOut])) === 'timeout') {
          log.warn(
            { timeoutMs },
            'in-flight jobs did not finish in time: interrupting them and putting them back as delayed',
          );
          for (const w of Object.values(workers)) w.cancelAllJobs('shutdown');
          clearTimeout(timer);
          const settled = new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), INTERRUPT_GRACE_MS);
          });
          // Creates are not interrupted (that would open the double-billing window); anything
          // still running after the grace is left to BullMQ's stalled-job recovery.
          if ((await Promise.race([graceful, settled])) === 'timeout')
            await Promise.all(Object.values(workers).map((w) => w.close(true)));
        }
        clearTimeout(timer);
        await new Promise<void>((resolve) => health.then((h) => (h ? h.close(() => resolve()) : resolve())));
        await closeQueues(deps.queues);
        await deps.close();
        await redis.quit().catch(() => redis.disconnect());
        log.info('worker stopped');
      })();
      return closing;
    },
  };
}

/**
 * Parses a job against the stage's schema (the job catalogue) before the stage sees it: a
 * malformed job (added by hand, or by other code) fails at once, without retries, naming every
 * field and rule, instead of failing deep inside a stage.
 */
function checkJob(stage: StageName, job: Job, log: Logger): void {
  try {
    parseStageJob(stage, job.data);
  } catch (e) {
    const message = `REELAY_MALFORMED_JOB: ${e instanceof Error ? e.message : String(e)}`;
    log.error({ stage, jobId: job.id, code: 'REELAY_MALFORMED_JOB' }, message);
    throw new UnrecoverableError(message);
  }
}

function outcomeOf(e: unknown): string {
  if (e instanceof RateLimitError) return 'rate_limited';
  if (e instanceof DelayedError) return 'delayed';
  if (e instanceof UnrecoverableError) return 'failed';
  return 'retried';
}
