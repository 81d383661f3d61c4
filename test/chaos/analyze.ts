/**
 * Pure analysis of a run's observations: the figures the report prints and the invariants
 * check. No I/O here, so every rule is unit-tested on synthetic data.
 */
import type { GenerationView, Observations } from './observations.ts';

export const TERMINAL = ['succeeded', 'failed', 'canceled'] as const;
const isTerminal = (state: string) => (TERMINAL as readonly string[]).includes(state);

export type Histogram = Record<string, number>;

export type Analysis = {
  accepted: number;
  terminal: Record<(typeof TERMINAL)[number], number>;
  lost: Array<{ id: string; state: string }>;
  /** Records no enqueue call acknowledged (an enqueue that failed ambiguously, e.g. during the Redis restart). */
  unacknowledged: number;
  idempotency: { keys: number; enqueues: number; split: string[] };
  creates: {
    total: number;
    duplicates: number;
    perGeneration: Histogram;
    generationsWithDuplicates: Array<{ id: string; creates: number; killsInWindow: number }>;
    /** Duplicates on generations no kill caught inside their submit window. */
    unexplained: string[];
  };
  /**
   * `insideSubmitWindow`: kills that caught at least one create; `windowsHit`: (kill,
   * generation) pairs, since one kill can catch several creates in flight (SUBMIT_CONCURRENCY).
   */
  kills: { total: number; byHow: Histogram; insideSubmitWindow: number; windowsHit: number };
  submitIntents: Histogram;
  s3: {
    objects: number;
    succeeded: number;
    withOneGoodObject: number;
    missing: string[];
    extraObjects: string[];
    sha256Mismatches: Array<{ id: string; object?: string; upstream?: string; record?: string }>;
    listingError?: string;
  };
  webhooks: {
    deliveries: number;
    accepted: number;
    signatureFailures: number;
    terminalEventsPerGeneration: Histogram;
    webhookIdsPerEvent: Histogram;
    attemptsPerEvent: Histogram;
    undelivered: Array<{ id: string; event: string }>;
    /** Generations that got a terminal event other than the one their final state calls for. */
    conflicting: Array<{ id: string; state: string; events: string[] }>;
  };
};

export function countBy(values: Iterable<string | number>): Histogram {
  const out: Histogram = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
export const histogram = (values: Iterable<number>): Histogram => countBy(values);

export function analyze(o: Observations): Analysis {
  const byId = new Map(o.generations.map((g) => [g.id, g]));
  const acceptedSet = new Set(o.accepted);
  const accepted = o.accepted.map((id) => byId.get(id) ?? { id, state: 'missing', submitIntents: 0 });

  const terminal = { succeeded: 0, failed: 0, canceled: 0 };
  for (const g of accepted) if (isTerminal(g.state)) terminal[g.state as keyof typeof terminal]++;

  return {
    accepted: accepted.length,
    terminal,
    lost: accepted.filter((g) => !isTerminal(g.state)).map((g) => ({ id: g.id, state: g.state })),
    unacknowledged: o.generations.filter((g) => !acceptedSet.has(g.id)).length,
    idempotency: {
      keys: o.idempotent.length,
      enqueues: o.idempotent.reduce((n, k) => n + k.ids.length, 0),
      split: o.idempotent.filter((k) => new Set(k.ids).size !== 1).map((k) => k.key),
    },
    creates: analyzeCreates(o),
    kills: {
      total: o.kills.length,
      byHow: countBy(o.kills.map((k) => k.how)),
      insideSubmitWindow: o.kills.filter((k) => k.inWindow.length > 0).length,
      windowsHit: o.kills.reduce((n, k) => n + k.inWindow.length, 0),
    },
    submitIntents: histogram(accepted.map((g) => g.submitIntents)),
    s3: analyzeObjects(o, byId),
    webhooks: analyzeWebhooks(o, accepted),
  };
}

function analyzeCreates(o: Observations): Analysis['creates'] {
  const windowKills = new Map<string, number>();
  for (const kill of o.kills)
    for (const id of kill.inWindow) windowKills.set(id, (windowKills.get(id) ?? 0) + 1);
  const entries = Object.entries(o.createsByGeneration);
  const withDuplicates = entries
    .filter(([, n]) => n > 1)
    .map(([id, creates]) => ({ id, creates, killsInWindow: windowKills.get(id) ?? 0 }));
  return {
    total: entries.reduce((n, [, c]) => n + c, 0),
    duplicates: withDuplicates.reduce((n, g) => n + g.creates - 1, 0),
    perGeneration: histogram(entries.map(([, n]) => n)),
    generationsWithDuplicates: withDuplicates,
    unexplained: withDuplicates.filter((g) => g.creates - 1 > g.killsInWindow).map((g) => g.id),
  };
}

function analyzeObjects(o: Observations, byId: Map<string, GenerationView>): Analysis['s3'] {
  const objectsOf = new Map<string, typeof o.objects>();
  const extraObjects: string[] = [];
  for (const object of o.objects) {
    const id = /(gen_[0-9A-Za-z]+)\.mp4$/.exec(object.key)?.[1];
    const owner = id === undefined ? undefined : byId.get(id);
    // An object is expected only for a generation that succeeded; anything else is a stray.
    if (owner?.state !== 'succeeded') {
      extraObjects.push(object.key);
      continue;
    }
    objectsOf.set(owner.id, [...(objectsOf.get(owner.id) ?? []), object]);
  }
  const succeeded = o.generations.filter((g) => g.state === 'succeeded');
  const missing: string[] = [];
  const sha256Mismatches: Analysis['s3']['sha256Mismatches'] = [];
  let withOneGoodObject = 0;
  for (const g of succeeded) {
    const objects = objectsOf.get(g.id) ?? [];
    if (objects.length === 0) {
      missing.push(g.id);
      continue;
    }
    for (const extra of objects.slice(1)) extraObjects.push(extra.key);
    const object = objects.find((x) => x.key === g.output?.key) ?? objects[0]!;
    const upstream = g.taskId === undefined ? undefined : o.expectedSha256[g.taskId];
    const good =
      objects.length === 1 &&
      upstream !== undefined &&
      object.sha256 === upstream &&
      g.output?.sha256 === upstream &&
      g.output.size === object.size &&
      g.output.key === object.key;
    if (good) withOneGoodObject++;
    else if (object.sha256 !== upstream || g.output?.sha256 !== upstream) {
      sha256Mismatches.push({ id: g.id, object: object.sha256, upstream, record: g.output?.sha256 });
    }
  }
  return {
    objects: o.objects.length,
    succeeded: succeeded.length,
    withOneGoodObject,
    missing,
    extraObjects,
    sha256Mismatches,
    ...(o.listingError ? { listingError: o.listingError } : {}),
  };
}

function analyzeWebhooks(o: Observations, accepted: GenerationView[]): Analysis['webhooks'] {
  // Terminal deliveries of one generation, grouped by event type.
  const byGeneration = new Map<string, Map<string, typeof o.deliveries>>();
  for (const d of o.deliveries) {
    if (d.generationId === undefined || d.type === undefined || d.type === 'generation.running') continue;
    const events = byGeneration.get(d.generationId) ?? new Map<string, typeof o.deliveries>();
    events.set(d.type, [...(events.get(d.type) ?? []), d]);
    byGeneration.set(d.generationId, events);
  }
  const undelivered: Analysis['webhooks']['undelivered'] = [];
  const conflicting: Analysis['webhooks']['conflicting'] = [];
  const idsPerEvent: number[] = [];
  const attemptsPerEvent: number[] = [];
  const eventsPerGeneration: number[] = [];
  for (const g of accepted) {
    if (!isTerminal(g.state)) continue;
    const event = `generation.${g.state}`;
    const events = byGeneration.get(g.id) ?? new Map<string, typeof o.deliveries>();
    eventsPerGeneration.push(events.size);
    const types = [...events.keys()];
    if (types.some((t) => t !== event)) conflicting.push({ id: g.id, state: g.state, events: types });
    const attempts = events.get(event) ?? [];
    if (!attempts.some((d) => d.verified && d.status >= 200 && d.status < 300))
      undelivered.push({ id: g.id, event });
    if (attempts.length === 0) continue;
    idsPerEvent.push(new Set(attempts.map((d) => d.webhookId)).size);
    attemptsPerEvent.push(attempts.length);
  }
  return {
    deliveries: o.deliveries.length,
    accepted: o.deliveries.filter((d) => d.status >= 200 && d.status < 300).length,
    signatureFailures: o.deliveries.filter((d) => !d.verified).length,
    terminalEventsPerGeneration: histogram(eventsPerGeneration),
    webhookIdsPerEvent: histogram(idsPerEvent),
    attemptsPerEvent: histogram(attemptsPerEvent),
    undelivered,
    conflicting,
  };
}
