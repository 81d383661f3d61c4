import { readFileSync } from 'node:fs';
import type { UserConfig } from 'tsdown';

/**
 * How a publishable package is built: one ESM file per entry, with `.d.ts` and source maps.
 *
 * ESM only: Node >= 22.12 `require()`s an ES module without top-level await, so the `require`
 * condition points at the same file. A CommonJS service then gets the very module an ESM one
 * gets: one copy of every error class, so `instanceof` and the brand guards hold across both
 * (a dual build would ship two). The emitted JS may import only what the package declares
 * (`onlyImport`), so a missing dependency fails the build, not a user's install.
 */
export function library(overrides: UserConfig = {}): UserConfig {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return {
    entry: ['src/index.ts'],
    format: 'esm',
    platform: 'node',
    target: 'node22.19',
    fixedExtension: false,
    // Eager: the declarations of inlined workspace sources (core in the producer) come from one
    // whole-program emit; the lazy per-file path cannot emit files outside the package.
    dts: { tsc: { eager: true } },
    sourcemap: true,
    clean: true,
    deps: { onlyImport: Object.keys(pkg.dependencies ?? {}) },
    ...overrides,
  };
}
