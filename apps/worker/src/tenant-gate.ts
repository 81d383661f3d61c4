import type { StageDeps } from './deps.ts';

/**
 * The tenant gate's heartbeat in every worker process. Grants happen right after an enqueue (the
 * producer) and after a slot frees (the lifecycle); this tick catches what those cannot see: a
 * tenant resumed or given room by an operator, a producer that ran before any worker published
 * MAX_IN_FLIGHT, and a grant whose submit job a crash lost.
 */
export const GATE_TICK_MS = 1_000;
/** A grant this old without its submit job moving the generation on is re-added (idempotent). */
export const GRANT_REPAIR_AFTER_MS = 10_000;
/** A finished batch this long without its results file recorded gets its job again (idempotent). */
export const BATCH_REPAIR_AFTER_MS = 30_000;

export async function tickGate(
  deps: Pick<StageDeps, 'lifecycle'>,
): Promise<{ granted: number; repaired: number }> {
  const granted = await deps.lifecycle.dispatch();
  const repaired =
    (await deps.lifecycle.sweepGrants(GRANT_REPAIR_AFTER_MS)) +
    (await deps.lifecycle.sweepBatches(BATCH_REPAIR_AFTER_MS));
  return { granted, repaired };
}
