/**
 * Tenants under chaos: three tenants share the run (weights, an own cap, a budget). While it
 * runs, a sampler watches the cap and the budget; at the end, every tenant counter must equal
 * what the records say (no leaked slot, queue entry or reservation; spend = the settled costs).
 */
import type { GenerationStatus, Tenant, TenantSettingsPatch } from '@reelay/contracts';
import type { Producer } from '@reelay/producer';
import type { InvariantResult } from './invariants.ts';

/** The run's MAX_IN_FLIGHT: small enough that the gate decides who goes next. */
export const CHAOS_MAX_IN_FLIGHT = 8;
const BETA_CAP = 3;

/**
 * Settings per tenant. gamma's budget is set from the plan (about 70% of its estimates), so it
 * is reached and late enqueues are refused while spend and reservations move under kills.
 */
export function chaosTenants(gammaEstimatesUsd: number): Array<[string, TenantSettingsPatch]> {
  return [
    ['alpha', { weight: 3 }],
    ['beta', { weight: 1, maxInFlight: BETA_CAP }],
    [
      'gamma',
      { weight: 1, budget: { limitUsd: Math.round(gammaEstimatesUsd * 0.7 * 100) / 100, period: 'total' } },
    ],
  ];
}

/** The tenant of plan item `index` (a repeated idempotency key keeps its index, so its tenant). */
export const tenantOf = (index: number): string => ['alpha', 'beta', 'gamma'][index % 3]!;

export type TenantSamples = {
  betaMaxInFlight: number;
  gammaMaxCommittedUsd: number;
  gammaLimitUsd: number;
  samples: number;
};

/** Reads the tenants every `everyMs` until stopped: the most beta held, the most gamma committed. */
export function sampleTenants(producer: Producer, everyMs = 250) {
  const out: TenantSamples = { betaMaxInFlight: 0, gammaMaxCommittedUsd: 0, gammaLimitUsd: 0, samples: 0 };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const [beta, gamma] = await Promise.all([producer.getTenant('beta'), producer.getTenant('gamma')]);
        out.betaMaxInFlight = Math.max(out.betaMaxInFlight, beta.usage.inFlight);
        out.gammaMaxCommittedUsd = Math.max(
          out.gammaMaxCommittedUsd,
          gamma.usage.spentUsd + gamma.usage.reservedUsd,
        );
        out.gammaLimitUsd = gamma.budget?.limitUsd ?? 0;
        out.samples++;
      } catch {
        // Redis restarting: the next sample reads again.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples: out,
    async stop(): Promise<TenantSamples> {
      stopped = true;
      await loop;
      return out;
    },
  };
}

export type TenantTally = {
  name: string;
  usage: Tenant['usage'];
  /** From the records: generations not yet ended, and the settled costs of the ended ones. */
  records: { active: number; ended: number; settledUsd: number; unsettled: number };
};

/** Each tenant's counters beside what its accepted generations' records say. */
export async function tallyTenants(producer: Producer, ids: readonly string[]): Promise<TenantTally[]> {
  const statuses: GenerationStatus[] = [];
  for (const id of ids) {
    const s = await producer.getStatus(id);
    if (s) statuses.push(s);
  }
  const tenants = await producer.listTenants();
  return tenants.map((t) => {
    const mine = statuses.filter((s) => s.tenant === t.name);
    const ended = mine.filter(
      (s) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'canceled',
    );
    return {
      name: t.name,
      usage: t.usage,
      records: {
        active: mine.length - ended.length,
        ended: ended.length,
        settledUsd: Math.round(ended.reduce((n, s) => n + (s.cost.actualUsd ?? 0), 0) * 1e6) / 1e6,
        unsettled: ended.filter((s) => s.cost.actualUsd === undefined).length,
      },
    };
  });
}

export function checkTenantInvariants(
  samples: TenantSamples,
  tallies: readonly TenantTally[],
): InvariantResult[] {
  const leaks = tallies.filter(
    (t) =>
      t.usage.queued !== 0 ||
      t.usage.inFlight !== 0 ||
      t.usage.reservedUsd !== 0 ||
      Math.abs(t.usage.spentUsd - t.records.settledUsd) > 1e-6 ||
      t.records.unsettled !== 0,
  );
  return [
    {
      name: "a tenant's in-flight count never exceeds its cap",
      ok: samples.samples > 0 && samples.betaMaxInFlight <= BETA_CAP,
      detail: `beta (cap ${BETA_CAP}) held at most ${samples.betaMaxInFlight} in ${samples.samples} samples`,
    },
    {
      name: 'spent + reserved never exceeds a budget',
      ok: samples.gammaMaxCommittedUsd <= samples.gammaLimitUsd + 1e-6,
      detail: `gamma committed at most ${samples.gammaMaxCommittedUsd.toFixed(2)} of ${samples.gammaLimitUsd.toFixed(2)} USD`,
    },
    {
      name: 'every tenant counter equals what the records say (no leaked slot or reservation)',
      ok: tallies.length > 0 && leaks.length === 0,
      detail: tallies
        .map(
          (t) =>
            `${t.name}: queued ${t.usage.queued}, in flight ${t.usage.inFlight}, reserved ${t.usage.reservedUsd}, spent ${t.usage.spentUsd} vs settled ${t.records.settledUsd} over ${t.records.ended} ended (${t.records.unsettled} unsettled)`,
        )
        .join('; '),
    },
  ];
}
