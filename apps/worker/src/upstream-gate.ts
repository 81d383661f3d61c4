import type { UpstreamPause, UpstreamPauseStore } from '@reelay/core';

/**
 * The submit stage's view of the upstream pause: the pause read at most once a second per process
 * (a submit per generation would otherwise cost one more Redis read each), refreshed at once when
 * this process pauses or resumes it. A pause set by another process is seen within a second; a
 * create made in that second that meets the same account failure pauses again, it fails nothing.
 */
export type UpstreamGate = {
  current(): Promise<UpstreamPause | undefined>;
  /** True for one caller per probe period across every worker process. */
  claimProbe(): Promise<boolean>;
  /** How long until the next probe may be claimed (ms). */
  probeWaitMs(): Promise<number>;
  pause(p: Omit<UpstreamPause, 'since'>): Promise<void>;
  resume(): Promise<boolean>;
  readonly probeMs: number;
};

export const PAUSE_READ_EVERY_MS = 1_000;

export function createUpstreamGate(
  store: UpstreamPauseStore,
  probeMs: number,
  now: () => number,
): UpstreamGate {
  let cached: { at: number; pause: UpstreamPause | undefined } | undefined;
  return {
    probeMs,
    async current() {
      if (!cached || now() - cached.at >= PAUSE_READ_EVERY_MS)
        cached = { at: now(), pause: await store.get() };
      return cached.pause;
    },
    claimProbe: () => store.claimProbe(probeMs),
    probeWaitMs: () => store.probeWaitMs(),
    async pause(p) {
      await store.pause(p);
      cached = { at: now(), pause: { ...p, since: cached?.pause?.since ?? now() } };
    },
    async resume() {
      const was = await store.resume();
      cached = { at: now(), pause: undefined };
      return was;
    },
  };
}
