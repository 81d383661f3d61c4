/**
 * The upstream pause end to end: an account that cannot create (no balance) pauses submission in
 * the worker instead of failing every queued generation; a probe per UPSTREAM_PAUSE_PROBE_MS
 * finds the account working again and everything resumes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const pausedMetric = async (s: Stack) => {
  const text = await (await fetch(`${await s.worker.metricsUrl}/metrics`)).text();
  return Number(/^reelay_upstream_paused (\d+)$/m.exec(text)?.[1]);
};

describe('the upstream pause', () => {
  for (const accountState of ['no_balance', 'arrearage'] as const) {
    it(`${accountState}: pauses submission with the work queued, then resumes by probe`, async () => {
      stack = await startStack({
        sim: { taskDurationMs: 20, accountState },
        env: { UPSTREAM_PAUSE_PROBE_MS: '300' },
      });
      const s = stack;
      const ids = (
        await s.producer.enqueueMany(
          Array.from({ length: 6 }, (_, i) => ({ request: simpleRequest(`c ${i}`) })),
        )
      ).map((r) => r.id);
      const pause = await until(
        () => s.worker.deps.upstream.current(),
        (p) => p !== undefined,
      );
      expect(pause).toMatchObject({
        by: 'auto',
        code: accountState === 'arrearage' ? 'REELAY_UPSTREAM_BAD_REQUEST' : 'REELAY_UPSTREAM_FORBIDDEN',
      });
      expect(await pausedMetric(s)).toBe(1);
      // Probes go by (one per 300 ms across the worker): nothing is failed, nothing is created.
      const refusedFirst = s.sim.stats().accountRefusals;
      await until(
        async () => s.sim.stats().accountRefusals,
        (n) => n >= refusedFirst + 2,
      );
      for (const id of ids) expect((await s.producer.getStatus(id))?.state).toMatch(/^(queued|submitting)$/);
      expect(s.sim.stats().creates).toBe(0);
      // The first wave of submits, then one probe at a time: not a retry storm per generation.
      expect(s.sim.stats().accountRefusals).toBeLessThan(ids.length + 8);

      s.sim.configure({ accountState: 'ok' });
      for (const id of ids)
        expect((await s.waitForState(id, ['succeeded', 'failed'], 20_000)).state).toBe('succeeded');
      expect(await s.worker.deps.upstream.current()).toBeUndefined();
      expect(await pausedMetric(s)).toBe(0);
    }, 60_000);
  }
});
