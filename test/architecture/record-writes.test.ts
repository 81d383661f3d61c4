import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const LIFECYCLE = 'packages/core/src/lifecycle/';
const TESTING = 'packages/core/src/testing/';

/** Production sources: every tracked or new .ts file under apps/ and packages/ that is not a test. */
function productionSources(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'apps', 'packages'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !/\.test\.ts$|test-|\/testing\//.test(f))
    .filter((f) => {
      try {
        readFileSync(join(root, f));
        return true;
      } catch {
        return false; // deleted in the working tree
      }
    });
}

/**
 * "Every write of a status record goes through the lifecycle verbs", checked on the code: the
 * scripts that write records, the writer that runs them and the record's field names are used
 * only inside packages/core/src/lifecycle (and by the test-only fixture beside it).
 */
describe('record writes', () => {
  const files = productionSources();

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(`${LIFECYCLE}lifecycle.ts`);
  });

  it('only the lifecycle loads the record-writing scripts or makes a record writer', () => {
    const offenders = files.filter((f) => {
      if (f.startsWith(LIFECYCLE)) return false;
      const src = readFileSync(join(root, f), 'utf8');
      return /loadLua\('(move|create|push-attempt)'\)|createRecordWriter|record-writer\.ts/.test(src);
    });
    expect(offenders).toEqual([]);
  });

  it("only core knows the record's field names, and no production file imports the test fixture", () => {
    const offenders = files.filter((f) => {
      const src = readFileSync(join(root, f), 'utf8');
      if (/from '@reelay\/core\/testing'/.test(src)) return true;
      if (f.startsWith('packages/core/src/')) return false;
      return /record-codec|\bF\.(state|taskId|pollN|error|failedBy|delivery)\b/.test(src);
    });
    expect(offenders).toEqual([]);
  });

  it('no production file outside the lifecycle writes a hash, deletes a key or runs a script on a record', () => {
    const offenders = files.filter((f) => {
      if (f.startsWith(LIFECYCLE) || f.startsWith(TESTING)) return false;
      const src = readFileSync(join(root, f), 'utf8');
      return /\.(hset|hmset|hdel|hincrby|hsetnx)\(|keys\.record\([^)]*\)[^;\n]*\.(del|set)\(/.test(src);
    });
    expect(offenders).toEqual([]);
  });
});
