import { MOVES, type Move, type MoveName } from './transitions.ts';

const cell = (v: string | undefined) => v ?? '—';

/** The lifecycle table as Markdown, generated from MOVES (docs/ARCHITECTURE.md holds a copy; a test keeps them equal). */
export function lifecycleTable(): string {
  const rows = (Object.entries(MOVES) as Array<[MoveName, Move]>).map(([name, m]) =>
    [
      `\`${name}\``,
      m.from.length ? m.from.join(', ') : '(new)',
      m.to === 'same' ? '(unchanged)' : m.to === 'stage' ? "the failing stage's state" : m.to,
      cell(m.guard),
      m.event ? `\`${m.event}\`` : '—',
      cell(m.deadline),
      cell(m.slot),
      m.next === 'none' || !m.next ? '—' : m.next,
      m.by,
    ].join(' | '),
  );
  return [
    '| verb | from | to | guard | event | deadline index | upstream slot | next job | by, and why |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
