/** The machine a run measured on, and waiting for it to be quiet enough to measure. */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export type Machine = { nproc: number; memoryGB: number; cpu: string; node: string; redis: string };

export function machineInfo(): Machine {
  let redis = 'unknown';
  try {
    const v = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    redis = /v=(\S+)/.exec(v)?.[1] ?? v.trim();
  } catch {}
  return {
    nproc: availableParallelism(),
    memoryGB: Math.round(totalmem() / 1e8) / 10,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    redis,
  };
}

/** The commit measured, `+dirty` when apps/ or packages/ had uncommitted changes (others edit the tree too). */
export function revision(root: string): string {
  try {
    const sha = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'apps', 'packages'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;

/**
 * Waits (bounded) until the 1-minute load average drops below `below`; other work on a 2-core
 * machine skews every figure. Resolves with the load it started at, the one it measured at, and
 * whether it gave up waiting.
 */
export async function waitForQuiet(
  below: number,
  maxWaitMs: number,
  log: (m: string) => void,
): Promise<{ startLoad: number; load: number; waitedMs: number; gaveUp: boolean }> {
  const startLoad = load1();
  const t0 = Date.now();
  let lastLog = 0;
  while (load1() >= below) {
    if (Date.now() - t0 > maxWaitMs)
      return { startLoad, load: load1(), waitedMs: Date.now() - t0, gaveUp: true };
    if (Date.now() - lastLog > 60_000) {
      log(
        `load average ${load1()} ≥ ${below}: waiting (at most ${Math.round((maxWaitMs - (Date.now() - t0)) / 60_000)} more min)`,
      );
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 5_000));
  }
  return { startLoad, load: load1(), waitedMs: Date.now() - t0, gaveUp: false };
}
