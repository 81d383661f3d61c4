import { type Batch, GENERATION_STATES, TERMINAL_STATES } from '@reelay/contracts';
import { formatUsd } from '../tenant/tenant-format.ts';

/** Members that have ended (succeeded, failed or canceled). */
export function endedCount(b: Batch): number {
  let n = 0;
  for (const s of TERMINAL_STATES) n += b.counts[s];
  return n;
}

/** `queued 3 · running 2 · succeeded 5`: every state with members, in lifecycle order. */
export function countsLine(b: Batch): string {
  const parts = GENERATION_STATES.filter((s) => b.counts[s] > 0).map((s) => `${s} ${b.counts[s]}`);
  return parts.length ? parts.join(' · ') : 'no members';
}

/**
 * One line for a terminal, redrawn in place: `[########------------] 7/12 ended (58%) · …`.
 * `width` is the bar's inside, in characters.
 */
export function progressLine(b: Batch, width = 30): string {
  const ended = endedCount(b);
  const total = b.counts.total;
  const filled = total > 0 ? Math.floor((ended / total) * width) : width;
  const pct = total > 0 ? Math.floor((ended / total) * 100) : 100;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${ended}/${total} ended (${pct}%) · ${countsLine(b)}`;
}

/** `reelay batch status` (and the end of `--watch`, and cancel): one batch as `label  value` lines. */
export function batchBlock(b: Batch): string {
  const rows: Array<[string, string]> = [
    ['batch', b.id],
    ['tenant', b.tenant],
    ['state', b.state],
    ['round', String(b.round)],
    ['members', `${b.counts.total} (${endedCount(b)} ended)`],
    ...GENERATION_STATES.map((s): [string, string] => [`  ${s}`, String(b.counts[s])]),
    ['cost', `${formatUsd(b.costUsd.actual)} USD actual, ${formatUsd(b.costUsd.estimated)} USD estimated`],
    ['created', new Date(b.created).toISOString()],
  ];
  if (b.completed !== undefined) rows.push(['ended', new Date(b.completed).toISOString()]);
  rows.push([
    'results file',
    b.manifest
      ? `s3://${b.manifest.bucket}/${b.manifest.key}`
      : b.state === 'in_progress'
        ? 'not yet (written once every member has ended)'
        : 'being written',
  ]);
  if (b.idempotencyKey) rows.push(['idempotency key', b.idempotencyKey]);
  if (b.webhook) rows.push(['webhook', b.webhook.url]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** What `--watch` needs: how to read the batch and where to draw. */
export type WatchDeps = {
  get(): Promise<Batch | undefined>;
  write(text: string): void;
  /** Resolves after `ms`, or at once when the watch is interrupted. */
  pause(ms: number): Promise<void>;
  stopped(): boolean;
  intervalMs?: number;
  /** How long to wait for the results file once the batch has ended. @defaultValue 10 s */
  manifestWaitMs?: number;
  now?: () => number;
};

/**
 * Redraws the progress line (carriage return, clear line) until the batch is no longer in
 * progress and its results file is written (or `manifestWaitMs` after the end), then prints the
 * summary. Resolves to the last batch read, or undefined when it is unknown.
 */
export async function watchBatch(deps: WatchDeps): Promise<Batch | undefined> {
  const interval = deps.intervalMs ?? 500;
  const now = deps.now ?? Date.now;
  let endedAt: number | undefined;
  let last: Batch | undefined;
  for (;;) {
    const b = await deps.get();
    if (!b) {
      if (last) deps.write('\n');
      return undefined;
    }
    last = b;
    deps.write(`\r\x1b[2K${progressLine(b)}`);
    if (b.state !== 'in_progress') {
      endedAt ??= now();
      if (b.manifest || now() - endedAt >= (deps.manifestWaitMs ?? 10_000)) break;
    }
    if (deps.stopped()) break;
    await deps.pause(interval);
    if (deps.stopped()) break;
  }
  deps.write(`\n${batchBlock(last)}\n`);
  return last;
}
