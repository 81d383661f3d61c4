import { setTimeout as delay } from 'node:timers/promises';

/**
 * Re-checks a condition until it holds; rejects naming `what` after `timeoutMs`. The interval
 * only paces the checks: the wait ends on the state, never on a fixed sleep.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  opts: { what: string; timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await delay(opts.intervalMs ?? 50, undefined, opts.signal ? { signal: opts.signal } : {});
  }
}

/** Waits until `ms` after `start` on the wall clock: a scheduled instant, not a state. */
export async function atOffset(start: number, ms: number, signal: AbortSignal): Promise<void> {
  const wait = start + ms - Date.now();
  if (wait > 0) await delay(wait, undefined, { signal });
}
