import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository is self-contained: no file points at a path outside it, and every relative
 * link in the docs leads to a file that exists. The documents the code cites live in docs/
 * (docs/ARCHITECTURE.md, docs/upstream/VTRIX.md). No file is exempt; failures list every
 * offending file:line, so whoever owns that file can fix it.
 */
const root = join(import.meta.dirname, '..', '..');
const self = relative(root, import.meta.filename);

/**
 * Tracked files plus new ones not yet added (so a check before a commit sees them too), minus
 * installed dependencies, benchmark output and files deleted from the working tree.
 */
function repoFiles(paths: string[]): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...paths],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const files = out.split('\0').filter(Boolean);
  return [...new Set(files)].filter(
    (f) =>
      !f.split('/').some((part) => part === 'node_modules' || part === 'bench-results') &&
      existsSync(join(root, f)),
  );
}

/** The file's text, or undefined for a binary file (a NUL byte in its first 8 KiB). */
function readText(file: string): string | undefined {
  const bytes = readFileSync(join(root, file));
  return bytes.subarray(0, 8192).includes(0) ? undefined : bytes.toString('utf8');
}

/** Places outside the repository that files used to cite (the shared design and upstream docs). */
const OUTSIDE = ['/work/', 'shared/upstream', 'shared/DESIGN', '../shared'];

/** Each relative link target of a markdown file, with its line, outside code blocks and code spans. */
function relativeLinks(text: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const line = raw.replace(/`[^`]*`/g, '');
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      links.push({ line: i + 1, target });
    }
  });
  return links;
}

describe('docs and references', () => {
  it('no file points at a path outside the repository', () => {
    const hits: string[] = [];
    for (const file of repoFiles(['apps', 'packages', 'test', 'docs', 'scripts', 'README.md'])) {
      if (file === self) continue;
      const text = readText(file);
      if (text === undefined) continue;
      text.split('\n').forEach((line, i) => {
        const found = OUTSIDE.filter((p) => line.includes(p));
        if (found.length) hits.push(`${file}:${i + 1}: ${found.join(', ')}: ${line.trim()}`);
      });
    }
    expect(
      hits,
      `files citing paths outside the repository (cite docs/ instead):\n${hits.join('\n')}\n`,
    ).toEqual([]);
  });

  it('every relative link in the docs and READMEs leads to a file that exists', () => {
    const markdown = repoFiles(['docs', 'README.md', 'apps', 'packages']).filter((f) =>
      f.startsWith('docs/') ? f.endsWith('.md') : f === 'README.md' || f.endsWith('/README.md'),
    );
    expect(markdown).toContain('README.md');
    const broken: string[] = [];
    for (const file of markdown) {
      for (const { line, target } of relativeLinks(readText(file) ?? '')) {
        const path = decodeURI(target.replace(/[?#].*$/, ''));
        if (path && !existsSync(join(root, dirname(file), path))) broken.push(`${file}:${line}: ${target}`);
      }
    }
    expect(broken, `relative links to files that do not exist:\n${broken.join('\n')}\n`).toEqual([]);
  });
});
