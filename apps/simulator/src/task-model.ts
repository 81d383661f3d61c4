/**
 * A simulated upstream task and its state at any instant. Pure: everything random is drawn
 * once at create (outcome, duration, spelling variant), so a task's life is a function of
 * the clock alone and no per-task timer exists. A task is a small flat object because
 * benchmarks hold 100,000 of them.
 */
import type { SimulatorConfig } from './config.ts';
import type { Rng } from './rng.ts';

export type TaskOutcome = 'completed' | 'failed' | 'stuck';
export type TaskState = 'running' | 'completed' | 'failed';

export interface Task {
  /** 20 lowercase alphanumerics, like Vtrix's `d758n65e878c73cmdg20`. */
  readonly id: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly outcome: TaskOutcome;
  /** Random bits that pick this task's spellings (status words, error shape, …). */
  readonly variant: number;
  /** The requested clip length in seconds, echoed as `duration`. */
  readonly videoSeconds: number;
  /** Video size fixed at create, so a later `videoBytes` change cannot alter a known task. */
  readonly videoBytes: number;
  /** URLs minted so far; the first may be pre-expired (expireFirstUrl). */
  urlsMinted: number;
}

export type TaskPhase =
  | { state: 'running'; progress: number }
  | { state: 'completed'; finishedAt: number }
  | { state: 'failed'; finishedAt: number };

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const TASK_ID_PATTERN = /^[0-9a-z]{20}$/;

export function newTaskId(rng: Rng): string {
  const codes = new Array<number>(20);
  for (let i = 0; i < 20; i++) codes[i] = ID_ALPHABET.charCodeAt(rng.int(ID_ALPHABET.length));
  // One flat string, not a 20-piece rope: 100k ids stay small.
  return String.fromCharCode(...codes);
}

export interface TaskDraft {
  id: string;
  createdAt: number;
  videoSeconds: number;
}

/** Draws outcome, duration and variant for a new task; failRate is checked before stuckRate. */
export function drawTask(draft: TaskDraft, config: SimulatorConfig, rng: Rng): Task {
  const roll = config.failRate > 0 || config.stuckRate > 0 ? rng.next() : 1;
  const outcome: TaskOutcome =
    roll < config.failRate ? 'failed' : roll < config.failRate + config.stuckRate ? 'stuck' : 'completed';
  const jitter = config.taskDurationJitterMs > 0 ? rng.int(config.taskDurationJitterMs) : 0;
  return {
    id: draft.id,
    createdAt: draft.createdAt,
    durationMs: config.taskDurationMs + jitter,
    outcome,
    variant: rng.uint32(),
    videoSeconds: draft.videoSeconds,
    videoBytes: config.videoBytes,
    urlsMinted: 0,
  };
}

/** Running until createdAt + durationMs (inclusive of that instant: 0 ms = done at once). */
export function taskStateAt(task: Task, now: number): TaskState {
  if (task.outcome === 'stuck' || now - task.createdAt < task.durationMs) return 'running';
  return task.outcome;
}

export function taskPhase(task: Task, now: number): TaskPhase {
  const state = taskStateAt(task, now);
  const finishedAt = task.createdAt + task.durationMs;
  switch (state) {
    case 'running': {
      const elapsed = Math.max(0, now - task.createdAt);
      const ratio = task.durationMs > 0 ? elapsed / task.durationMs : 0;
      // Never report 1.0 while running: a client may treat it as done.
      return { state, progress: Math.min(0.99, Math.floor(ratio * 100) / 100) };
    }
    case 'completed':
    case 'failed':
      return { state, finishedAt };
    default:
      return assertNever(state);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
