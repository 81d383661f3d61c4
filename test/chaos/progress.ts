/**
 * Watching the run: states of the accepted generations (one pipelined read), a sampled
 * timeline of them, and the drain: wait until every accepted generation is terminal and its
 * terminal event reached the receiver with a verified 2xx.
 */
import { recordKeys } from '@reelay/core';
import { RECORD_FIELDS as F } from '@reelay/core/testing';
import type { WebhookReceiver } from '@reelay/devstack';
import type { Redis } from 'ioredis';
import { TERMINAL } from './analyze.ts';
import { waitUntil } from './wait.ts';

export async function readStates(
  redis: Redis,
  prefix: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const keys = recordKeys(prefix);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(keys.record(id), F.state);
  const replies = (await pipeline.exec()) ?? [];
  return new Map(ids.map((id, i) => [id, (replies[i]?.[1] as string | null) ?? 'missing']));
}

export function countStates(states: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

/** `generation.<state>` events the receiver accepted (2xx, verified), as `<id> <type>`. */
export function deliveredEvents(receiver: WebhookReceiver): Set<string> {
  const out = new Set<string>();
  for (const d of receiver.accepted()) {
    const id = (d.body as { data?: { id?: unknown } } | undefined)?.data?.id;
    if (d.verified && typeof id === 'string' && d.type) out.add(`${id} ${d.type}`);
  }
  return out;
}

/** Samples the state counts every `everyMs` until stopped. */
export function sampleTimeline(opts: {
  redis: Redis;
  prefix: string;
  ids: () => readonly string[];
  clock: () => number;
  everyMs: number;
}) {
  const samples: Array<{ t: number; counts: Record<string, number> }> = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = opts.clock();
      const states = await readStates(opts.redis, opts.prefix, opts.ids()).catch(() => undefined);
      if (states) samples.push({ t, counts: countStates(states.values()) });
      await new Promise((r) => setTimeout(r, opts.everyMs));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Stalled-job recovery takes up to lock + check interval (60 s by default): long past that with
 * nothing settling, what is left is stuck, and waiting out the whole bound tells nothing more.
 */
const NO_PROGRESS_MS = 150_000;

export async function drain(opts: {
  redis: Redis;
  prefix: string;
  receiver: WebhookReceiver;
  ids: readonly string[];
  timeoutMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<{ settled: boolean; remaining: number }> {
  let remaining = new Set(opts.ids);
  let lastReport = Date.now();
  let lastProgress = Date.now();
  const check = async () => {
    const states = await readStates(opts.redis, opts.prefix, [...remaining]);
    const delivered = deliveredEvents(opts.receiver);
    const before = remaining.size;
    remaining = new Set(
      [...remaining].filter((id) => {
        const state = states.get(id) ?? 'missing';
        return !(
          (TERMINAL as readonly string[]).includes(state) && delivered.has(`${id} generation.${state}`)
        );
      }),
    );
    if (remaining.size < before) lastProgress = Date.now();
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      opts.log(
        `draining: ${remaining.size} not yet terminal and delivered (${JSON.stringify(countStates(states.values()))})`,
      );
    }
    if (Date.now() - lastProgress > NO_PROGRESS_MS)
      throw new Error(`nothing settled for ${NO_PROGRESS_MS} ms`);
    return remaining.size === 0;
  };
  try {
    await waitUntil(check, {
      what: 'every generation to settle',
      timeoutMs: opts.timeoutMs,
      intervalMs: 250,
      signal: opts.signal,
    });
    return { settled: true, remaining: 0 };
  } catch (e) {
    if (opts.signal.aborted) throw e;
    opts.log(`drain stopped: ${(e as Error).message}`);
    return { settled: false, remaining: remaining.size };
  }
}
