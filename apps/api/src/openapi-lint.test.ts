/**
 * Lints the built OpenAPI document with Redocly CLI (`recommended` rules, apps/api/redocly.yaml).
 * Offline: telemetry and the update check are off, and the document has no external $refs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';

const run = promisify(execFile);
const apiDir = fileURLToPath(new URL('..', import.meta.url));
// The script node_modules/.bin/redocly runs; started with this process's Node, not the PATH's.
const REDOCLY = join(apiDir, 'node_modules/@redocly/cli/bin/cli.js');
const CONFIG = join(apiDir, 'redocly.yaml');

type LintProblem = {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
};
type LintReport = { totals: { errors: number; warnings: number }; problems: LintProblem[] };

/**
 * The warnings the document keeps, each for a reason; a new warning fails the test so it is
 * either fixed or added here with its reason.
 */
const ACCEPTED_WARNINGS = [
  // The project has no license yet; the document will not invent one.
  'info-license #/info',
  // The event stream's per-event shape lives in the string schema's `$defs` (OpenAPI 3.1 has
  // no itemSchema); nothing $refs it, it is there to be read.
  'no-unused-components #/paths/~1v1~1generations~1{id}~1events/get/responses/200/content/text~1event-stream/schema/$defs/event',
  'no-unused-components #/paths/~1v1~1batches~1{id}~1events/get/responses/200/content/text~1event-stream/schema/$defs/event',
];

const describeProblem = (p: LintProblem) =>
  `${p.severity} ${p.ruleId} ${p.location.map((l) => l.pointer).join(', ')}: ${p.message}`;

describe('OpenAPI document under redocly lint (recommended)', () => {
  let dir: string;
  let report: LintReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-openapi-'));
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(buildOpenApiDocument(), null, 2));
    const result = await run(
      process.execPath,
      [REDOCLY, 'lint', file, `--config=${CONFIG}`, '--format=json'],
      {
        cwd: dir,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
        timeout: 30_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((e: { code?: unknown; stdout?: string; stderr?: string }) => {
      // Exit code 1 means "problems found" and still prints the report; anything else is a failure to run.
      if (e.code === 1 && e.stdout) return { stdout: e.stdout, stderr: e.stderr ?? '' };
      throw e;
    });
    report = JSON.parse(result.stdout) as LintReport;
  }, 40_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has no errors', () => {
    const errors = report.problems.filter((p) => p.severity === 'error').map(describeProblem);
    expect(errors, errors.join('\n')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('has only the accepted warnings', () => {
    const warnings = report.problems
      .filter((p) => p.severity === 'warn')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    expect(
      warnings.sort(),
      report.problems
        .filter((p) => p.severity === 'warn')
        .map(describeProblem)
        .join('\n'),
    ).toEqual([...ACCEPTED_WARNINGS].sort());
  });
});
