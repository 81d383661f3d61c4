import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The manifests of the packages services install (README, "Using Reelay from your service").
 * The consumer test (test/consumer/run.ts) checks the packed tarballs; this checks the sources
 * they are packed from, in a second, so a manifest change fails `npm test` already.
 */
const root = join(import.meta.dirname, '..', '..');
type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  publishConfig?: { exports?: Record<string, unknown> };
};
const packages = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  m: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
}));
const published = packages.filter((p) => !p.m.private);
const unpublished = new Set(packages.filter((p) => p.m.private).map((p) => p.m.name));

describe('publishable packages', () => {
  it('are the SDK, the webhook verifier, the HTTP client and their contracts', () => {
    expect(published.map((p) => p.m.name).sort()).toEqual([
      '@reelay/client',
      '@reelay/contracts',
      '@reelay/producer',
      '@reelay/webhooks',
    ]);
  });

  it('share one version (they are released together)', () => {
    expect(new Set(published.map((p) => p.m.version)).size).toBe(1);
  });

  it('declare engines, ship dist/ with a README, and export built files to import and require', () => {
    for (const { dir, m } of published) {
      expect(m.engines?.node, m.name).toBe('>=22.19');
      expect(m.files, m.name).toEqual(['dist', 'README.md']);
      expect(existsSync(join(root, 'packages', dir, 'README.md')), `${m.name} README`).toBe(true);
      expect(existsSync(join(root, 'packages', dir, 'tsdown.config.ts')), `${m.name} build`).toBe(true);
      expect(m.publishConfig?.exports?.['.'], m.name).toEqual({
        types: './dist/index.d.ts',
        import: './dist/index.js',
        require: './dist/index.js',
      });
    }
  });

  it('depend at run time on nothing that is not published', () => {
    for (const { m } of published)
      expect(
        Object.keys(m.dependencies ?? {}).filter((d) => unpublished.has(d)),
        m.name,
      ).toEqual([]);
  });
});
