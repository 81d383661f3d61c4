/**
 * The worker processes: each `node apps/cli/src/main.ts worker` with the run's environment, its
 * own Vtrix endpoint (see vtrix-tap.ts) and its output in `<logDir>/<name>.log`. Slots keep the
 * pool at N processes: a killed worker is replaced in the same slot.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VtrixTap } from './vtrix-tap.ts';

const CLI = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));
const GUARD = new URL('./orphan-guard.ts', import.meta.url).href;
const STOP_GRACE_MS = 10_000;

export type WorkerProcess = { name: string; pid: number; child: ChildProcess; startedAt: number };
export type UnexpectedExit = { worker: string; code: number | null; signal: string | null; at: number };

export type WorkerPool = {
  readonly size: number;
  /** Workers spawned so far, replacements included. */
  readonly spawned: number;
  readonly unexpectedExits: UnexpectedExit[];
  current(slot: number): WorkerProcess | undefined;
  start(): Promise<void>;
  /** SIGKILLs the worker in `slot` and resolves once it has exited. */
  kill(slot: number): Promise<WorkerProcess | undefined>;
  /** Starts a new worker in `slot`. */
  respawn(slot: number): Promise<WorkerProcess>;
  /** SIGTERM to all (bounded, then SIGKILL); resolves with how many exited 0 on their own. */
  stop(): Promise<{ clean: number; forced: number }>;
};

export function createWorkerPool(opts: {
  size: number;
  env: Record<string, string>;
  logDir: string;
  tap: VtrixTap;
  /** Ms clock of the run, for the exits log. */
  clock: () => number;
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
    const url = await opts.tap.open(name);
    const log = openSync(`${opts.logDir}/${name}.log`, 'a');
    const child = spawn(process.execPath, ['--import', GUARD, CLI, 'worker'], {
      env: { ...opts.env, VTRIX_BASE_URL: url },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`worker ${name} did not start`);
    live.add(child);
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (!expected.has(child)) unexpectedExits.push({ worker: name, code, signal, at: opts.clock() });
      // A worker that died on its own is replaced too, so the pool stays at N.
      if (!stopping && !expected.has(child) && slots[slot]?.child === child)
        void launch(slot).catch(() => {});
    });
    const worker = { name, pid: child.pid, child, startedAt: opts.clock() };
    slots[slot] = worker;
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
    current: (slot) => slots[slot],
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
