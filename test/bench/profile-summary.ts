/**
 * `node test/bench/profile-summary.ts <file.cpuprofile> [top] [regex]`: self time by package and
 * function, and inclusive time by function (optionally filtered), of a V8 CPU profile (`--profile`).
 */
import { readFileSync } from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

/** `file:///…/node_modules/.pnpm/bullmq@6.7.0_…/node_modules/bullmq/dist/…` → `bullmq`; own code → its app or package dir. */
export function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1]!;
  const own = /\/((?:apps|packages)\/[^/]+)\//.exec(url);
  if (own) return own[1]!;
  if (url.startsWith('node:')) return 'node (built-in)';
  return url;
}

export function summarizeProfile(p: Profile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    total += us;
    const fn = `${f.functionName || '(anonymous)'} ${packageOf(f.url)}:${f.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    pkgs.set(packageOf(f.url), (pkgs.get(packageOf(f.url)) ?? 0) + us);
  }
  // Inclusive: every function on a sample's stack gets the sample once (recursion counted once).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      seen.add(`${f.functionName || '(anonymous)'} ${packageOf(f.url)}:${f.lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    functions: sorted(fns),
    packages: sorted(pkgs),
    inclusive: sorted(inclusive),
  };
}

if (import.meta.main) {
  const [file, top = '25', filter] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node test/bench/profile-summary.ts <file.cpuprofile> [top] [regex]\n');
    process.exit(2);
  }
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const pct = (us: number) => `${((us / 1000 / s.totalMs) * 100).toFixed(1)}%`.padStart(6);
  process.stdout.write(`total ${s.totalMs.toFixed(0)} ms sampled\n\nby package:\n`);
  for (const [k, us] of s.packages.slice(0, Number(top))) process.stdout.write(`${pct(us)}  ${k}\n`);
  process.stdout.write('\nby function (self):\n');
  for (const [k, us] of s.functions.slice(0, Number(top))) process.stdout.write(`${pct(us)}  ${k}\n`);
  process.stdout.write(`\nby function (inclusive${filter ? `, matching /${filter}/` : ''}):\n`);
  const re = new RegExp(filter ?? '.');
  for (const [k, us] of s.inclusive.filter(([k]) => re.test(k)).slice(0, Number(top)))
    process.stdout.write(`${pct(us)}  ${k}\n`);
}
