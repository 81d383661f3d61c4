import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
type Manifest = {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const manifests = (dir: string) =>
  readdirSync(join(root, dir)).map(
    (d) => JSON.parse(readFileSync(join(root, dir, d, 'package.json'), 'utf8')) as Manifest,
  );
const internal = (m: Manifest) =>
  Object.keys({ ...m.dependencies, ...m.devDependencies }).filter(
    (d) => d.startsWith('@reelay/') || APPS.has(d),
  );
const APPS = new Set(manifests('apps').map((m) => m.name));

/**
 * Packages import downward only (docs/ARCHITECTURE.md, "The layers"):
 * contracts ← vtrix, webhooks, core ← producer ← apps; contracts ← client (HTTP, no Redis).
 * devstack is test and demo tooling. apps/cli is the composition root: the one app that may
 * import other apps. pnpm's strict resolution makes the manifests the truth about imports.
 */
const ALLOWED: Record<string, string[]> = {
  '@reelay/contracts': [],
  '@reelay/vtrix': ['@reelay/contracts'],
  '@reelay/webhooks': ['@reelay/contracts'],
  '@reelay/core': ['@reelay/contracts'],
  '@reelay/devstack': [],
  '@reelay/client': ['@reelay/contracts'],
  // core as a devDependency: its SDK slice is inlined into the published producer.
  '@reelay/producer': ['@reelay/contracts', '@reelay/core', '@reelay/webhooks'],
  '@reelay/tsconfig': [],
};

describe('architecture', () => {
  it('packages depend only on the layers below them', () => {
    for (const m of manifests('packages')) {
      const allowed = ALLOWED[m.name];
      expect(allowed, `${m.name} has no layer in this test`).toBeDefined();
      expect(
        internal(m).filter((d) => d !== '@reelay/tsconfig' && !allowed!.includes(d)),
        m.name,
      ).toEqual([]);
    }
  });

  it('no app but the CLI imports another app', () => {
    for (const m of manifests('apps').filter((a) => a.name !== 'cli')) {
      expect(
        internal(m).filter((d) => APPS.has(d)),
        m.name,
      ).toEqual([]);
    }
  });

  it('decision files stay free of I/O libraries (pure, so unit-tested without I/O)', () => {
    const files = [
      'apps/worker/src/stages/decide-submit.ts',
      'apps/worker/src/stages/decide-poll.ts',
      'apps/worker/src/build-event.ts',
      'apps/worker/src/rate-limit-wait.ts',
      'apps/worker/src/video-size.ts',
      'apps/worker/src/download-error.ts',
      'packages/core/src/poll-schedule.ts',
      'packages/core/src/lifecycle/transitions.ts',
      'packages/core/src/lifecycle/resume.ts',
    ];
    for (const f of files) {
      const imports = [...readFileSync(join(root, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      expect(
        imports.filter((i) => /^(node:|bullmq|ioredis|undici|@aws-sdk)/.test(i)),
        f,
      ).toEqual([]);
    }
  });
});
