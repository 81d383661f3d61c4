import type { GenerationState, GenerationStatus } from '@reelay/contracts';
import type { Producer } from '@reelay/producer';

const TERMINAL: ReadonlySet<GenerationState> = new Set(['succeeded', 'failed', 'canceled']);

/**
 * Follows generations until all are terminal (or the timeout), printing each state change as
 * it happens and a per-stage count line whenever the counts move.
 */
export async function follow(
  producer: Producer,
  items: ReadonlyArray<{ id: string; label: string }>,
  out: (line: string) => void,
  timeoutMs: number,
): Promise<Map<string, GenerationStatus>> {
  const start = Date.now();
  const last = new Map<string, GenerationStatus>();
  let lastCounts = '';
  const width = Math.max(...items.map((i) => i.label.length));
  const clock = () => `[${((Date.now() - start) / 1000).toFixed(1).padStart(5)}s]`;
  while (Date.now() - start < timeoutMs) {
    const statuses = await Promise.all(items.map((i) => producer.getStatus(i.id)));
    statuses.forEach((s, i) => {
      if (!s) return;
      const before = last.get(s.id);
      if (before?.state !== s.state) {
        const extra =
          s.state === 'running' && s.upstream.taskId
            ? ` (task ${s.upstream.taskId})`
            : s.error
              ? ` (${s.error.code})`
              : '';
        out(
          `${clock()} ${items[i]!.label.padEnd(width)} ${before ? `${before.state} → ` : ''}${s.state}${extra}`,
        );
      }
      last.set(s.id, s);
    });
    const counts = countByStage([...last.values()]);
    if (counts !== lastCounts) {
      out(`${clock()} ${counts}`);
      lastCounts = counts;
    }
    if (statuses.every((s) => s && TERMINAL.has(s.state))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

function countByStage(statuses: GenerationStatus[]): string {
  const n = (f: (s: GenerationStatus) => boolean) => statuses.filter(f).length;
  return [
    `submit ${n((s) => s.state === 'queued' || s.state === 'submitting')}`,
    `poll ${n((s) => s.state === 'running')}`,
    `sink ${n((s) => s.state === 'copying')}`,
    `notify ${n((s) => TERMINAL.has(s.state) && s.deliveries.some((d) => d.state === 'pending'))}`,
    `done ${n((s) => TERMINAL.has(s.state))}/${statuses.length}`,
  ].join(' | ');
}
