/**
 * Results as Markdown: one table per scenario between markers in docs/BENCHMARKS.md, so a run
 * rewrites exactly the sections it measured and leaves the prose around them alone. Pure except
 * `updateDoc`'s file I/O.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Machine } from './machine.ts';
import type { Figure, ScenarioResult } from './scenario.ts';

export type RunMeta = {
  command: string;
  date: string;
  /** Commit of the code measured (see machine.ts `revision`). */
  revision: string;
  machine: Machine;
  /** 1-minute load average when the scenario started and ended. */
  load: { start: number; end: number };
  seconds: number;
};

export function formatFigure(f: Figure | undefined): string {
  if (f === undefined) return '';
  if (typeof f === 'number') return Number.isFinite(f) ? fmt(f) : '–';
  if (!f.runs) return '–';
  if (f.runs === 1 || f.min === f.max) return fmt(f.median);
  return `${fmt(f.median)} (${fmt(f.min)}–${fmt(f.max)})`;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en') : String(n);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderSection(r: ScenarioResult, meta: RunMeta): string {
  const m = meta.machine;
  const lines = [
    `### ${r.title}`,
    '',
    `\`${meta.command}\` at ${meta.revision} — ${meta.date}, ${Math.round(meta.seconds)} s; ${m.nproc} CPU × ${m.cpu}, ${m.memoryGB} GB, Node ${m.node}, Redis ${m.redis}; load average ${meta.load.start} → ${meta.load.end}`,
    '',
    `Setup: ${r.setup}.`,
    '',
    '| figure | unit | Reelay | baseline | Reelay ÷ baseline | target | met |',
    '|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${[
          row.figure,
          row.unit,
          formatFigure(row.reelay),
          formatFigure(row.baseline),
          formatFigure(row.ratio),
          row.target ?? '',
          row.met === undefined ? '' : row.met ? 'yes' : '**no**',
        ]
          .map(cell)
          .join(' | ')} |`,
    ),
  ];
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

const START = (name: string) => `<!-- bench:${name}:start -->`;
const END = (name: string) => `<!-- bench:${name}:end -->`;

/** Replaces the section between the scenario's markers, or appends a marked section at the end. */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = doc.indexOf(START(name));
  const end = doc.indexOf(END(name));
  const block = `${START(name)}\n${body}\n${END(name)}`;
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return doc.slice(0, start) + block + doc.slice(end + END(name).length);
}

export async function updateDoc(
  path: string,
  sections: Array<{ name: string; body: string }>,
): Promise<void> {
  let doc = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
  for (const s of sections) doc = replaceSection(doc, s.name, s.body);
  await writeFile(path, doc);
}
