/**
 * `createSimulator`: a Vtrix-compatible upstream on node:http. Validates its options, loads
 * the base clip once, listens, and hands back a handle to switch it at runtime and read its
 * counters.
 */
import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyConfigPatch, defaultConfig, describeIssues, type SimulatorConfig } from './config.ts';
import { createRequestListener } from './server.ts';
import { createState, resetState, type SimulatorStats, statsOf } from './simulator-state.ts';
import { loadBaseClip, videoSha256, videoSize } from './video.ts';

export interface SimulatorOptions extends Partial<SimulatorConfig> {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Clock for task timing and URL expiry. @defaultValue Date.now */
  now?: () => number;
  /** PRNG seed; pass one for reproducible runs. @defaultValue a random seed (see `Simulator.seed`) */
  seed?: number;
}

export interface Simulator {
  /** `http://host:port`, the base URL to give a Vtrix client. */
  readonly url: string;
  readonly port: number;
  /** The seed in use, to reproduce a run. */
  readonly seed: number;
  config(): SimulatorConfig;
  /** Validates and applies a patch; throws naming each bad field, changing nothing. */
  configure(patch: Partial<SimulatorConfig>): void;
  stats(): SimulatorStats;
  /** Drops all tasks and counters and restores the config given at creation. */
  reset(): void;
  /** sha256 (hex) of the video the task's URL serves. Rejects for an unknown task. */
  expectedSha256(taskId: string): Promise<string>;
  /** Byte size of the task's video. Throws for an unknown task. */
  expectedSize(taskId: string): number;
  close(): Promise<void>;
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const { port = 0, host = '127.0.0.1', now = Date.now, seed = randomInt(2 ** 31), ...patch } = options;
  const initial = applyConfigPatch(defaultConfig, patch);
  if (!initial.ok) throw new Error(`invalid simulator config: ${describeIssues(initial.issues)}`);

  const state = createState({ config: initial.config, seed, now, baseClip: await loadBaseClip() });
  const closing = new AbortController();
  let url = '';
  const server = createServer(
    createRequestListener({ state, signal: closing.signal, fallbackOrigin: () => url }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const taskOf = (taskId: string) => {
    const task = state.tasks.get(taskId);
    if (!task) throw new Error(`unknown task: ${taskId}`);
    return task;
  };
  let closed: Promise<void> | undefined;

  return {
    url,
    port: address.port,
    seed,
    config: () => ({ ...state.config }),
    configure(change) {
      const result = applyConfigPatch(state.config, change);
      if (!result.ok) throw new Error(`invalid simulator config: ${describeIssues(result.issues)}`);
      state.config = result.config;
    },
    stats: () => statsOf(state),
    reset: () => resetState(state),
    async expectedSha256(taskId) {
      const task = taskOf(taskId);
      return videoSha256(state.baseClip, task.id, task.videoBytes);
    },
    expectedSize(taskId) {
      const task = taskOf(taskId);
      return videoSize(state.baseClip.length, task.id, task.videoBytes);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Keep-alive sockets and streaming downloads would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
