/**
 * An open-loop load: requests start on a fixed schedule (`rate` per second), whether or not the
 * earlier ones have answered, as independent clients would send them. A closed loop (send, wait,
 * send) hides a slow server by slowing down with it; this one shows the latency a steady arrival
 * rate meets, and whether the server keeps up (answered per second vs. the rate).
 */
export type LoadResult = {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  /** Distinct error messages seen, with counts (the first few). */
  errorKinds: Record<string, number>;
  latenciesMs: number[];
};

export async function openLoop(
  rate: number,
  durationMs: number,
  send: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const result: LoadResult = {
    rate,
    seconds: durationMs / 1000,
    sent: 0,
    ok: 0,
    errors: 0,
    errorKinds: {},
    latenciesMs: [],
  };
  const pending: Array<Promise<void>> = [];
  const t0 = performance.now();
  const total = Math.round((rate * durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    // The schedule itself: the next request's start time, not a wait for any state.
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    result.sent++;
    pending.push(
      send(i).then(
        () => {
          result.ok++;
          result.latenciesMs.push(performance.now() - start);
        },
        (e: unknown) => {
          result.errors++;
          const kind = e instanceof Error ? e.message.slice(0, 80) : String(e);
          if (Object.keys(result.errorKinds).length < 5 || kind in result.errorKinds)
            result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
