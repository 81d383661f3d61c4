import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycleTable } from '@reelay/core';
import { describe, expect, it } from 'vitest';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'ARCHITECTURE.md');
const OPEN = '<!-- lifecycle-table -->';
const CLOSE = '<!-- /lifecycle-table -->';

/** docs/ARCHITECTURE.md shows the lifecycle table generated from MOVES; `UPDATE_DOCS=1` rewrites it. */
describe('the lifecycle table in docs/ARCHITECTURE.md', () => {
  it('is the table generated from packages/core/src/lifecycle/transitions.ts', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(OPEN);
    const end = doc.indexOf(CLOSE);
    expect(start, `${OPEN} … ${CLOSE} markers`).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const shown = doc.slice(start + OPEN.length, end).trim();
    const generated = lifecycleTable();
    if (process.env.UPDATE_DOCS && shown !== generated)
      writeFileSync(DOC, `${doc.slice(0, start + OPEN.length)}\n${generated}\n${doc.slice(end)}`);
    else
      expect(shown, 'run UPDATE_DOCS=1 pnpm exec vitest run test/architecture/lifecycle-doc.test.ts').toBe(
        generated,
      );
  });

  it('lists every move', () => {
    const rows = lifecycleTable().split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      '| `enqueue`',
      '| `grant`',
      '| `startSubmit`',
      '| `createAnswered`',
      '| `taskCreated`',
      '| `polled`',
      '| `taskDone`',
      '| `urlRefreshed`',
      '| `stored`',
      '| `fail`',
      '| `resume`',
      '| `cancel`',
    ]);
  });
});
