/**
 * The worker processes: each `node apps/cli/src/main.ts worker` with the run's environment, its
 * own endpoints (vtrix-tap.ts, redis-link.ts) and its output in `<logDir>/<name>.log`. Slots keep the
 * pool at N processes: a killed worker is replaced in the same slot.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));
const GUARD = new URL('./orphan-guard.ts', import.meta.url).href;
const CRASH_POINTS = new URL('./crash-points.ts', import.meta.url).href;
const STOP_GRACE_MS = 10_000;
/** Workers that exit on their own (not a crash point) this many times mean a broken setup: stop. */
const MAX_UNEXPECTED_EXITS = 5;

export type WorkerProcess = { name: string; pid: number; child: ChildProcess; startedAt: number };
export type UnexpectedExit = { worker: string; code: number | null; signal: string | null; at: number };

export type WorkerPool = {
  readonly size: number;
  /** Workers spawned so far, replacements included. */
  readonly spawned: number;
  /** Exits nobody asked for other than crash points: a worker that crashed by itself. */
  readonly unexpectedExits: UnexpectedExit[];
  start(): Promise<void>;
  /** SIGKILLs the worker in `slot` and resolves once it has exited. */
  kill(slot: number): Promise<WorkerProcess | undefined>;
  /** Starts a new worker in `slot`. */
  respawn(slot: number): Promise<WorkerProcess>;
  /** SIGTERM to all (bounded, then SIGKILL); how many exited 0 on their own, how many were forced. */
  stop(): Promise<{ clean: number; forced: number }>;
};

export function createWorkerPool(opts: {
  size: number;
  env: Record<string, string>;
  logDir: string;
  /** Per-worker endpoints (its own Vtrix tap and Redis link), merged into its environment. */
  endpointsFor: (worker: string) => Promise<Record<string, string>>;
  /** Ms clock of the run. */
  clock: () => number;
  /** A worker SIGKILLed by nobody here: its crash point fired. Awaited before its replacement starts. */
  onCrash: (worker: WorkerProcess, at: number) => Promise<void>;
  /** Workers keep exiting by themselves (bad config, a crash at start-up): no more replacements. */
  onBroken: (reason: string) => void;
}): WorkerPool {
  const slots: Array<WorkerProcess | undefined> = new Array(opts.size).fill(undefined);
  const expected = new Set<ChildProcess>();
  const unexpectedExits: UnexpectedExit[] = [];
  const live = new Set<ChildProcess>();
  let spawned = 0;
  let stopping = false;
  // Last resort when the runner exits abruptly: no worker outlives it.
  const killLive = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killLive);

  async function launch(slot: number): Promise<WorkerProcess> {
    const name = `w${++spawned}`;
    const endpoints = await opts.endpointsFor(name);
    if (stopping) throw new Error('the pool is stopping');
    const log = openSync(`${opts.logDir}/${name}.log`, 'a');
    const child = spawn(process.execPath, ['--import', GUARD, '--import', CRASH_POINTS, CLI, 'worker'], {
      env: { ...opts.env, ...endpoints },
      stdio: ['ignore', log, log],
      // Own process group: Ctrl-C reaches the runner, which stops the workers itself.
      detached: true,
    });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`worker ${name} did not start`);
    live.add(child);
    const worker = { name, pid: child.pid, child, startedAt: opts.clock() };
    slots[slot] = worker;
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (expected.has(child)) return;
      const at = opts.clock();
      const crashPoint = signal === 'SIGKILL';
      if (!crashPoint) unexpectedExits.push({ worker: name, code, signal, at });
      if (unexpectedExits.length >= MAX_UNEXPECTED_EXITS) {
        stopping = true;
        opts.onBroken(
          `${unexpectedExits.length} workers exited by themselves (last: ${name}, code ${code}, signal ${signal}); see ${opts.logDir}/${name}.log`,
        );
      }
      if (stopping || slots[slot] !== worker) return;
      // Replaced like a killed worker, so the pool stays at N.
      slots[slot] = undefined;
      void (crashPoint ? opts.onCrash(worker, at) : Promise.resolve())
        .catch(() => {})
        .then(() => (stopping || slots[slot] ? undefined : launch(slot)))
        .catch(() => {});
    });
    return worker;
  }

  async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    expected.add(child);
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  return {
    size: opts.size,
    get spawned() {
      return spawned;
    },
    unexpectedExits,
    async start() {
      for (let slot = 0; slot < opts.size; slot++) await launch(slot);
    },
    async kill(slot) {
      const worker = slots[slot];
      if (!worker) return undefined;
      slots[slot] = undefined;
      await end(worker.child, 'SIGKILL');
      return worker;
    },
    respawn: launch,
    async stop() {
      stopping = true;
      let clean = 0;
      let forced = 0;
      await Promise.all(
        slots.map(async (worker, slot) => {
          if (!worker) return;
          slots[slot] = undefined;
          const timer = setTimeout(() => {
            forced++;
            worker.child.kill('SIGKILL');
          }, STOP_GRACE_MS);
          await end(worker.child, 'SIGTERM');
          clearTimeout(timer);
          if (worker.child.exitCode === 0) clean++;
        }),
      );
      killLive();
      process.off('exit', killLive);
      return { clean, forced };
    },
  };
}
