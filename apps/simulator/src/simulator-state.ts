/**
 * Everything a running simulator holds: config, tasks, counters, the PRNG and the clock.
 * `reset` restores the initial config and drops tasks and counters; the PRNG and request
 * counter run on, so a task id is never reused within one simulator's life (a worker still
 * polling an old id gets 404, never somebody else's task).
 */
import { randomBytes } from 'node:crypto';
import type { SimulatorConfig } from './config.ts';
import { createRng, type Rng } from './rng.ts';
import { type Task, taskStateAt } from './task-model.ts';

export interface SimulatorStats {
  /** Tasks created (what the real API would bill). */
  creates: number;
  /** Creates per `X-Reelay-Generation-Id` (or `sha256:<body hash>` without it): >1 = double submission. */
  createsByGeneration: Record<string, number>;
  /** Poll requests answered from task state (200 or 404). */
  polls: number;
  /** Video downloads served (200, signature valid). */
  downloads: number;
  /** Of those, the ones whose client hung up before the last byte was sent. */
  downloadsCut: number;
  /** 429s sent. */
  rateLimited: number;
  /** Injected 5xx sent. */
  serverErrors: number;
  /** Creates refused for the account (accountState). */
  accountRefusals: number;
  /** The most polls answered within any one second (a sliding window): an upstream's rate limit. */
  maxPollsPerSecond: number;
  /** Tasks by state at the current instant. */
  tasks: { running: number; completed: number; failed: number };
}

export interface SimulatorState {
  config: SimulatorConfig;
  readonly initialConfig: SimulatorConfig;
  readonly seed: number;
  readonly rng: Rng;
  readonly now: () => number;
  /** HMAC key for result URLs; per simulator, so URLs of one never open another. */
  readonly secret: Buffer;
  readonly baseClip: Buffer;
  readonly tasks: Map<string, Task>;
  readonly createsByGeneration: Map<string, number>;
  counts: {
    creates: number;
    polls: number;
    downloads: number;
    downloadsCut: number;
    rateLimited: number;
    serverErrors: number;
    /** Creates refused for the account (accountState). */
    accountRefusals: number;
    /** The most polls answered within any one second (a sliding window): an upstream's rate limit. */
    maxPollsPerSecond: number;
  };
  /** When the polls of the last second came (ms, oldest first): for maxPollsPerSecond. */
  recentPolls: number[];
  requestSeq: number;
}

export interface StateOptions {
  config: SimulatorConfig;
  seed: number;
  now: () => number;
  baseClip: Buffer;
}

const zeroCounts = () => ({
  creates: 0,
  polls: 0,
  downloads: 0,
  downloadsCut: 0,
  rateLimited: 0,
  serverErrors: 0,
  accountRefusals: 0,
  maxPollsPerSecond: 0,
});

export function createState(options: StateOptions): SimulatorState {
  return {
    config: options.config,
    initialConfig: options.config,
    seed: options.seed,
    rng: createRng(options.seed),
    now: options.now,
    secret: randomBytes(32),
    baseClip: options.baseClip,
    tasks: new Map(),
    createsByGeneration: new Map(),
    counts: zeroCounts(),
    recentPolls: [],
    requestSeq: 0,
  };
}

export function resetState(state: SimulatorState): void {
  state.config = state.initialConfig;
  state.tasks.clear();
  state.createsByGeneration.clear();
  state.counts = zeroCounts();
  state.recentPolls = [];
}

/** O(tasks): states depend on the clock, so they are counted when asked, not kept. */
export function statsOf(state: SimulatorState): SimulatorStats {
  const tasks = { running: 0, completed: 0, failed: 0 };
  const now = state.now();
  for (const task of state.tasks.values()) tasks[taskStateAt(task, now)]++;
  return { ...state.counts, createsByGeneration: Object.fromEntries(state.createsByGeneration), tasks };
}

export function nextRequestId(state: SimulatorState): string {
  state.requestSeq++;
  return `sim-${state.seed.toString(16)}-${state.requestSeq.toString(16).padStart(8, '0')}`;
}

/** Counts one poll in the sliding second behind maxPollsPerSecond. */
export function notePoll(state: SimulatorState, now: number): void {
  const recent = state.recentPolls;
  recent.push(now);
  while (recent.length && recent[0]! <= now - 1_000) recent.shift();
  if (recent.length > state.counts.maxPollsPerSecond) state.counts.maxPollsPerSecond = recent.length;
}
