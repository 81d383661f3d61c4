import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERRORS, type ErrorSpec } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';

/**
 * The catalogue (packages/contracts/src/error-catalogue.ts) is the one list of error codes:
 * README.md's "Error codes" section must be its rendering, and every `REELAY_*` code string in
 * the sources of apps/ and packages/ must be one of its codes.
 */

const root = join(import.meta.dirname, '..', '..');
const catalogue = ERRORS as Record<string, ErrorSpec>;

/** `REELAY_*` names that are environment variables, not error codes. */
const ENV_NAMES = new Set(['REELAY_QUEUE_PREFIX', 'REELAY_WEBHOOK_SECRET']);

// ---------------------------------------------------------------------------- README table

const SECTION = '## Error codes';
const TABLE_HEAD = '| code | kind | resumable | meaning |\n|---|---|---|---|';
const NOTES_HEAD = 'Where one error can differ from its row (the row gives the default):';

/** The generated part of the README section: the table, then the per-instance notes. */
function renderTable(errors: Record<string, ErrorSpec>): string {
  const rows = Object.entries(errors).map(
    ([code, s]) => `| \`${code}\` | ${s.kind} | ${s.resumable ? 'yes' : 'no'} | ${s.meaning} |`,
  );
  const notes = Object.entries(errors)
    .filter(([, s]) => s.varies !== undefined)
    .map(([code, s]) => `- \`${code}\`: ${s.varies}`);
  return [TABLE_HEAD, ...rows, '', NOTES_HEAD, '', ...notes].join('\n');
}

type Row = { kind: string; resumable: boolean; meaning: string };
type Parsed = { rows: Map<string, Row>; notes: Map<string, string>; problems: string[] };

const ROW = /^\| `(REELAY_[A-Z_]+)` \| ([a-z_]+) \| (yes|no) \| (.+) \|$/;
const NOTE = /^- `(REELAY_[A-Z_]+)`: (.+)$/;

/** The section's text, from its heading to the next `## ` heading. */
function sectionOf(readme: string): string | undefined {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) return undefined;
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start + 1, end < 0 ? undefined : end);
}

function parseSection(section: string): Parsed {
  const rows = new Map<string, Row>();
  const notes = new Map<string, string>();
  const problems: string[] = [];
  for (const line of section.split('\n')) {
    if (line.startsWith('| `')) {
      const m = ROW.exec(line);
      if (!m) {
        problems.push(`malformed row: ${line}`);
        continue;
      }
      const [, code, kind, resumable, meaning] = m as unknown as [string, string, string, string, string];
      if (rows.has(code)) problems.push(`${code}: row appears twice`);
      rows.set(code, { kind, resumable: resumable === 'yes', meaning });
    } else if (line.startsWith('- `')) {
      const m = NOTE.exec(line);
      if (!m) {
        problems.push(`malformed note: ${line}`);
        continue;
      }
      const [, code, text] = m as unknown as [string, string, string];
      if (notes.has(code)) problems.push(`${code}: note appears twice`);
      notes.set(code, text);
    }
  }
  return { rows, notes, problems };
}

/** Every disagreement between a README and the catalogue, one line each; [] when they agree. */
function compareReadme(readme: string, errors: Record<string, ErrorSpec>): string[] {
  const section = sectionOf(readme);
  if (section === undefined) return [`README.md has no "${SECTION}" section`];
  const problems: string[] = [];
  const configAt = readme.indexOf('\n## Configuration\n');
  if (configAt >= 0 && readme.indexOf(`\n${SECTION}\n`) > configAt)
    problems.push(`"${SECTION}" comes after "## Configuration"`);
  const parsed = parseSection(section);
  problems.push(...parsed.problems);
  for (const [code, spec] of Object.entries(errors)) {
    const row = parsed.rows.get(code);
    if (!row) {
      problems.push(`${code}: no row`);
      continue;
    }
    if (row.kind !== spec.kind)
      problems.push(`${code}: kind is ${row.kind}, the catalogue says ${spec.kind}`);
    if (row.resumable !== spec.resumable)
      problems.push(`${code}: resumable is ${row.resumable}, the catalogue says ${spec.resumable}`);
    if (row.meaning !== spec.meaning)
      problems.push(`${code}: meaning is "${row.meaning}", the catalogue says "${spec.meaning}"`);
    const note = parsed.notes.get(code);
    if (note !== spec.varies)
      problems.push(
        `${code}: note is ${JSON.stringify(note)}, the catalogue says ${JSON.stringify(spec.varies)}`,
      );
  }
  for (const code of parsed.rows.keys())
    if (!(code in errors)) problems.push(`${code}: row, but no such code`);
  for (const code of parsed.notes.keys())
    if (!(code in errors)) problems.push(`${code}: note, but no such code`);
  return problems;
}

// ---------------------------------------------------------------------------- source scan

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|lua)$/;
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', '.turbo']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...sourceFiles(path));
    } else if (SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Each `REELAY_*` string of a source that the catalogue does not know. A name ending in `_`
 * (`REELAY_WEBHOOK_*` in a comment) names a family: it must be the prefix of some code.
 */
function unknownCodes(source: string, errors: Record<string, ErrorSpec>): string[] {
  const codes = Object.keys(errors);
  const unknown = new Set<string>();
  for (const [name] of source.matchAll(/REELAY_[A-Z0-9_]+/g)) {
    if (ENV_NAMES.has(name) || name in errors) continue;
    if (name.endsWith('_') && codes.some((code) => code.startsWith(name))) continue;
    unknown.add(name);
  }
  return [...unknown];
}

// ---------------------------------------------------------------------------- tests

describe('error catalogue ↔ README.md', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('the "Error codes" section has a row for every code and no other, each as in the catalogue', () => {
    expect(compareReadme(readme, catalogue)).toEqual([]);
  });

  it('the table and notes are exactly the catalogue rendered, in catalogue order', () => {
    // On failure, the expected text below is what to paste into the section.
    expect(sectionOf(readme)).toContain(renderTable(catalogue));
  });

  describe('the comparison catches each kind of disagreement', () => {
    // A README that agrees with the catalogue, so each case below shows one disagreement.
    const good = `# Reelay\n\n${SECTION}\n\nIntro.\n\n${renderTable(catalogue)}\n\n## Configuration\n\nVariables.\n`;
    const code = 'REELAY_UPSTREAM_TIMEOUT';
    const spec = catalogue[code]!;
    const row = `| \`${code}\` | ${spec.kind} | yes | ${spec.meaning} |`;
    const variant = (from: string, to: string) => {
      expect(good).toContain(from);
      return compareReadme(good.replace(from, to), catalogue);
    };

    it('none for a README that agrees', () => {
      expect(compareReadme(good, catalogue)).toEqual([]);
    });

    it('a missing row', () => {
      expect(variant(`${row}\n`, '')).toEqual([`${code}: no row`]);
    });
    it('an extra row', () => {
      expect(variant(`${row}\n`, `${row}\n| \`REELAY_MADE_UP\` | final | no | nothing at all |\n`)).toEqual([
        'REELAY_MADE_UP: row, but no such code',
      ]);
    });
    it('a row twice', () => {
      expect(variant(`${row}\n`, `${row}\n${row}\n`)).toEqual([`${code}: row appears twice`]);
    });
    it('a different kind', () => {
      expect(variant(row, row.replace('| transient |', '| final |'))).toEqual([
        `${code}: kind is final, the catalogue says transient`,
      ]);
    });
    it('a different resumable', () => {
      expect(variant(row, row.replace('| yes |', '| no |'))).toEqual([
        `${code}: resumable is false, the catalogue says true`,
      ]);
    });
    it('a different meaning', () => {
      expect(variant(row, row.replace(spec.meaning, 'Vtrix was slow'))).toEqual([
        `${code}: meaning is "Vtrix was slow", the catalogue says "${spec.meaning}"`,
      ]);
    });
    it('a malformed row', () => {
      expect(variant(row, row.replace('| yes |', '| maybe |'))).toEqual([
        `malformed row: ${row.replace('| yes |', '| maybe |')}`,
        `${code}: no row`,
      ]);
    });
    it('a missing note', () => {
      const noted = Object.entries(catalogue).find(([, s]) => s.varies)!;
      expect(variant(`- \`${noted[0]}\`: ${noted[1].varies}\n`, '')).toEqual([
        `${noted[0]}: note is undefined, the catalogue says ${JSON.stringify(noted[1].varies)}`,
      ]);
    });
    it('a missing section, or one after Configuration', () => {
      expect(variant(`\n${SECTION}\n`, '\n## Errors\n')).toEqual([`README.md has no "${SECTION}" section`]);
      const moved = `${good.replace(`\n${SECTION}\n`, '\n## Moved\n')}\n${SECTION}\n\n${renderTable(catalogue)}\n`;
      expect(compareReadme(moved, catalogue)).toEqual([`"${SECTION}" comes after "## Configuration"`]);
    });
    it('a code added to the catalogue only', () => {
      const grown = { ...catalogue, REELAY_NEW_THING: { kind: 'final', resumable: false, meaning: 'new' } };
      expect(compareReadme(good, grown as Record<string, ErrorSpec>)).toEqual(['REELAY_NEW_THING: no row']);
    });
  });
});

describe('error catalogue ↔ sources', () => {
  const files = ['apps', 'packages'].flatMap((dir) => sourceFiles(join(root, dir)));

  it('finds the sources (and leaves tests out)', () => {
    const rel = files.map((f) => relative(root, f));
    expect(rel).toContain('packages/contracts/src/error-catalogue.ts');
    expect(rel).toContain('apps/api/src/problem.ts');
    expect(rel.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(rel.filter((f) => TEST_FILE.test(f))).toEqual([]);
  });

  it('every REELAY_* code string in apps/ and packages/ sources is in the catalogue', () => {
    const unknown = files.flatMap((file) =>
      unknownCodes(readFileSync(file, 'utf8'), catalogue).map((code) => `${relative(root, file)}: ${code}`),
    );
    // A new code belongs in packages/contracts/src/error-catalogue.ts (and README.md);
    // a new environment variable named REELAY_* belongs in ENV_NAMES above.
    expect(unknown).toEqual([]);
  });

  it('the scan flags an unknown code, an unknown family and nothing else', () => {
    const source = [
      "throw new StageError('sink', 'REELAY_SINK_UPLOAD_FAILED');",
      "const code = 'REELAY_NOT_A_CODE';",
      '// every REELAY_WEBHOOK_* code, and REELAY_NOPE_* ones',
      'process.env.REELAY_QUEUE_PREFIX ?? process.env.REELAY_WEBHOOK_SECRET',
      "'REELAY_S3_UNAVAILABLE'",
    ].join('\n');
    expect(unknownCodes(source, catalogue)).toEqual([
      'REELAY_NOT_A_CODE',
      'REELAY_NOPE_',
      'REELAY_S3_UNAVAILABLE',
    ]);
  });
});
