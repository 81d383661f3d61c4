/**
 * The chaos suite: `node test/chaos/run.ts --profile ci|medium|full [--seed N] [--report path]`.
 * Runs Reelay's workers as separate processes against real Redis (AOF), the simulator with
 * faults, s3rver and a verifying receiver; kills workers, restarts Redis, takes S3 away; then
 * checks that nothing was lost, duplicated or corrupted. Exit 0 when every invariant holds.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { estimateMicroUsd, fromMicroUsd } from '@reelay/contracts';
import { analyze } from './analyze.ts';
import { defaultReportPath, parseArgs, USAGE } from './args.ts';
import { checkBatchInvariants, collectBatches, planBatches, waitForBatches } from './batches.ts';
import { emptyChaosLog, noteKill, runChaos } from './chaos-driver.ts';
import { collect, diagnoseLost, failedJobs, logMessages, recordIds } from './collect.ts';
import { type EnqueueOutcome, idempotencyGroups, requestFor, runEnqueues } from './enqueuer.ts';
import { checkInvariants } from './invariants.ts';
import { planChaos, planEnqueues } from './plan.ts';
import { PROFILES, RECEIVER_FAIL_RATE, SIM_FAULTS } from './profiles.ts';
import { drain, sampleTimeline } from './progress.ts';
import { buildReport, summaryLine } from './report.ts';
import { randomSeed } from './rng.ts';
import { startServices, workerEnv } from './services.ts';
import { createTeardown } from './teardown.ts';
import {
  CHAOS_MAX_IN_FLIGHT,
  chaosTenants,
  checkTenantInvariants,
  sampleTenants,
  tallyTenants,
  tenantOf,
} from './tenants.ts';
import { waitUntil } from './wait.ts';
import { createWorkerPool } from './worker-pool.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    log(USAGE);
    return 0;
  }
  const { profile } = args;
  const seed = args.seed ?? randomSeed();
  const startedAt = new Date();
  const reportPath = resolve(args.report ?? defaultReportPath(profile.name, startedAt));
  const logDir = `${reportPath.replace(/\.json$/, '')}.logs`;
  await rm(logDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });
  const base = PROFILES[profile.name];
  const override =
    (profile.generations === base?.generations ? '' : ` --generations ${profile.generations}`) +
    (profile.redisCutRate === base?.redisCutRate ? '' : ` --redis-cut-rate ${profile.redisCutRate}`);
  const envArgs = Object.entries(args.workerEnv)
    .map(([k, v]) => ` --env ${k}=${v}`)
    .join('');
  const command = `node test/chaos/run.ts --profile ${profile.name} --seed ${seed}${override}${envArgs}`;
  log(
    `chaos ${profile.name}: seed ${seed} (reproduce: ${command}); worker logs in ${relative(process.cwd(), logDir)}`,
  );

  const abort = new AbortController();
  const interrupt = (signal: string) => {
    log(`${signal}: stopping everything`);
    abort.abort(new Error(`interrupted by ${signal}`));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const teardown = createTeardown();
  // A bug in the suite itself must still stop everything it started.
  process.once('uncaughtException', (e) => {
    log(`chaos runner crashed: ${e.stack ?? e}`);
    void teardown.run(log).finally(() => process.exit(1));
  });
  const wallStart = Date.now();
  let broken: string | undefined;
  try {
    const s = await startServices(seed, teardown);
    let start = 0;
    const clock = () => (start === 0 ? 0 : Date.now() - start);
    const chaos = emptyChaosLog();
    const crashOffFile = `${logDir}/crash-points-off`;
    const pool = createWorkerPool({
      size: profile.workers,
      env: {
        ...workerEnv(s),
        CHAOS_CRASH_P: String(profile.crashP),
        CHAOS_CRASH_RECORD_P: String(profile.crashRecordP),
        CHAOS_CRASH_OFF_FILE: crashOffFile,
        MAX_IN_FLIGHT: String(CHAOS_MAX_IN_FLIGHT),
        ...args.workerEnv,
      },
      logDir,
      endpointsFor: async (worker) => ({
        REDIS_URL: await s.links.open(worker),
        VTRIX_BASE_URL: await s.tap.open(worker),
      }),
      clock,
      onCrash: (worker, at) => noteKill(s, chaos, worker, 'crash-point', at, log),
      onBroken: (reason) => {
        broken = reason;
        abort.abort(new Error(reason));
      },
    });
    teardown.add('workers', async () => {
      await pool.stop();
    });
    await pool.start();
    await waitUntil(async () => (await s.producer.ops.queues.submit.getWorkers()).length >= profile.workers, {
      what: 'the workers to connect',
      timeoutMs: 30_000,
      intervalMs: 100,
      signal: abort.signal,
    });

    const plan = planBatches(planEnqueues(profile, seed, s.prefix), profile, s.prefix);
    const gammaEstimates = plan
      .filter((i) => !i.repeat && tenantOf(i.index) === 'gamma')
      .flatMap((i) => i.members ?? [i.index])
      .reduce((n, index) => n + fromMicroUsd(estimateMicroUsd(requestFor(index))), 0);
    for (const [name, settings] of chaosTenants(gammaEstimates)) await s.producer.setTenant(name, settings);
    const tenantSampler = sampleTenants(s.producer);

    start = Date.now();
    const accepted = new Set<string>();
    const timeline = sampleTimeline({
      redis: s.monitor,
      prefix: s.prefix,
      ids: () => [...accepted],
      clock,
      everyMs: 2_000,
    });
    const [outcomes] = await Promise.all([
      runEnqueues(s.producer, plan, start, abort.signal, (id) => accepted.add(id), s.receiver.url),
      runChaos({
        events: planChaos(profile, seed),
        chaosMs: profile.chaosMs,
        redisCutRate: profile.redisCutRate,
        services: s,
        pool,
        out: chaos,
        crashOffFile,
        start,
        signal: abort.signal,
        log,
      }),
    ]);
    const drained = await drain({
      redis: s.monitor,
      prefix: s.prefix,
      receiver: s.receiver,
      ids: [...accepted],
      timeoutMs: profile.drainTimeoutMs,
      signal: abort.signal,
      log,
    });
    // Acknowledged batches, plus any a create that failed ambiguously (Redis restarting) left.
    const batchIds = [
      ...new Set([
        ...outcomes.filter((o) => o.item.members && o.id).map((o) => o.id!),
        ...(await s.producer.ops.batches.recent(1_000)).map((b) => b.id),
      ]),
    ];
    const batchesDone = await waitForBatches({
      producer: s.producer,
      receiver: s.receiver,
      ids: batchIds,
      // A batch whose results job a late kill held comes back with BullMQ's stalled check (lock
      // 30 s + check every 30 s) or the gate's batch sweep; in a passing run this returns at once.
      timeoutMs: drained.settled ? 75_000 : 1_000,
      signal: abort.signal,
      log,
    });
    const settleMs = clock();
    log(
      drained.settled && batchesDone
        ? `settled at t=${(settleMs / 1000).toFixed(1)}s`
        : `drain gave up with ${drained.remaining} unsettled`,
    );
    await timeline.stop();
    const tenantSamples = await tenantSampler.stop();
    const shutdown = await pool.stop();
    const tenantTallies = await tallyTenants(s.producer, await recordIds(s));

    const observations = await collect(s, [...accepted], idempotencyGroups(outcomes), chaos.kills);
    const analysis = analyze(observations);
    const batches = await collectBatches(s, batchIds);
    const messages = await logMessages(logDir);
    const report = buildReport(
      {
        profile,
        seed,
        command,
        startedAt: startedAt.toISOString(),
        wallMs: Date.now() - wallStart,
        settleMs,
        drainTimedOut: !drained.settled || !batchesDone,
        simulator: { ...SIM_FAULTS, seed: s.sim.seed },
        workerEnvOverrides: args.workerEnv,
        receiverFailRate: RECEIVER_FAIL_RATE,
        kills: chaos.kills,
        redisRestarts: chaos.redisRestarts,
        s3Outages: chaos.s3Outages,
        redisLinkCuts: s.links.cuts(),
        enqueue: enqueueFacts(outcomes),
        workers: { spawned: pool.spawned, logDir, unexpectedExits: pool.unexpectedExits, shutdown },
        uncertainCreatesLogged: Object.entries(messages)
          .filter(([msg]) => msg.includes('creating again may bill'))
          .reduce((n, [, c]) => n + c, 0),
        diagnostics: {
          failedJobs: await failedJobs(s),
          lost: await diagnoseLost(
            s,
            analysis.lost.map((l) => l.id),
            start,
            chaos,
          ),
          logMessages: messages,
        },
        timeline: timeline.samples,
        tenants: { samples: tenantSamples, tallies: tenantTallies },
        batches,
      },
      analysis,
      [
        ...checkInvariants(analysis),
        ...checkTenantInvariants(tenantSamples, tenantTallies),
        ...checkBatchInvariants(batches, plan.filter((i) => i.members).length),
      ],
    );
    await mkdir(resolve(reportPath, '..'), { recursive: true });
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    log(`report: ${relative(process.cwd(), reportPath)}`);
    for (const failed of report.invariants.filter((i) => !i.ok))
      log(`  FAILED ${failed.name}: ${failed.detail}`);
    log(summaryLine(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    if (broken) {
      log(`chaos run stopped: ${broken}`);
      return 1;
    }
    if (abort.signal.aborted) return 130;
    log(`chaos run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    await teardown.run(log);
  }
}

function enqueueFacts(outcomes: readonly EnqueueOutcome[]) {
  return {
    calls: outcomes.reduce((n, o) => n + o.calls, 0),
    failedCalls: outcomes.reduce((n, o) => n + o.calls - (o.id ? 1 : 0), 0),
    givenUp: outcomes.filter((o) => !o.id && !o.refusedByBudget).length,
    refusedByBudget: outcomes.filter((o) => o.refusedByBudget).length,
    batchCancels: outcomes.filter((o) => o.cancel !== undefined).map((o) => `${o.id} ${o.cancel}`),
  };
}

process.exit(await main());
