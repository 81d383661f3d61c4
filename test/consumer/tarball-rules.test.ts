import { describe, expect, it } from 'vitest';
import { type PackedManifest, tarballProblems } from './tarball-rules.ts';

const manifest: PackedManifest = {
  name: '@reelay/producer',
  engines: { node: '>=22.19' },
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js', require: './dist/index.js' } },
  dependencies: { '@reelay/contracts': '0.1.0', ioredis: '^5.8.0' },
};
const files = [
  'package/package.json',
  'package/README.md',
  'package/dist/index.js',
  'package/dist/index.d.ts',
];

describe('tarballProblems', () => {
  it('passes a tarball of built output with a complete manifest', () => {
    expect(tarballProblems(files, manifest, ['@reelay/core'])).toEqual([]);
  });

  it('names shipped tests, fixtures, test support and TypeScript sources', () => {
    const extra = ['src/index.ts', 'dist/a.test.js', 'dist/test-support/x.js', 'dist/fixtures/cat.png'];
    expect(tarballProblems([...files, ...extra.map((f) => `package/${f}`)], manifest, [])).toEqual(
      extra.map((f) => `ships ${f}`),
    );
  });

  it('names workspace ranges, unpublished dependencies and missing export conditions', () => {
    const broken: PackedManifest = {
      ...manifest,
      engines: {},
      exports: { '.': { import: './dist/index.js', require: './dist/missing.js' } },
      dependencies: { '@reelay/core': '0.1.0', zod: 'catalog:' },
    };
    expect(tarballProblems(files, broken, ['@reelay/core'])).toEqual([
      'declares no engines.node',
      'exports["."] has no "types" condition',
      'exports["."].require points at ./dist/missing.js, which is not in the tarball',
      'depends on @reelay/core, which is not published',
      'depends on zod@catalog:',
    ]);
  });
});
