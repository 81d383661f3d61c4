import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./main.ts', import.meta.url));

/** `reelay …` as an operator runs it: a process, configured only by the environment given. */
async function reelay(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // A process that started something would not exit: kill it so the test fails, not hangs.
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

describe('reelay worker, a bad configuration', () => {
  it('names all ten wrong variables in one message, exits 1 and starts nothing', async () => {
    // Six the schema refuses; S3_BUCKET and VTRIX_API_KEY missing; two bad formats.
    const r = await reelay(['worker'], {
      REDIS_URL: 'http://127.0.0.1:6379',
      LOG_LEVEL: 'loud',
      MAX_IN_FLIGHT: '-1',
      S3_FORCE_PATH_STYLE: 'maybe',
      SUBMIT_UNCERTAIN: 'guess',
      METRICS_PORT: '70000',
      WEBHOOK_SIGNING_SECRET: 'whsec_short',
      WEBHOOK_RETRY_SCHEDULE: '5x',
    });
    expect(r.code).toBe(1);
    // pino logs to stdout: nothing logged means no stage, no health server, no Redis.
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('reelay worker: invalid configuration:');
    const named = lines.slice(1).map((l) => l.replace(/^ {2}- /, '').split(':')[0]);
    expect(new Set(named)).toEqual(
      new Set([
        'REDIS_URL',
        'LOG_LEVEL',
        'MAX_IN_FLIGHT',
        'S3_FORCE_PATH_STYLE',
        'SUBMIT_UNCERTAIN',
        'METRICS_PORT',
        'S3_BUCKET',
        'VTRIX_API_KEY',
        'WEBHOOK_SIGNING_SECRET',
        'WEBHOOK_RETRY_SCHEDULE',
      ]),
    );
  });
});

describe('reelay status, WEBHOOK_DEFAULT_URL', () => {
  it('refuses a target the SSRF check refuses at start-up, before reaching Redis', async () => {
    // Nothing listens on port 1: had the CLI got as far as Redis, it would hang, not exit.
    const r = await reelay(['status', 'gen_0'], {
      REDIS_URL: 'redis://127.0.0.1:1',
      WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'WEBHOOK_DEFAULT_URL: webhook host 169.254.169.254 is in a blocked address range',
    );
  });
});

describe('reelay --help and --version', () => {
  it('`reelay worker --help` prints its usage and exits 0 at once, connecting to nothing', async () => {
    // Nothing listens on port 1: a worker that started would retry there, not exit.
    const r = await reelay(['worker', '--help'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: reelay worker\n/);
    expect(r.stderr).toBe('');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('`reelay --version` prints the CLI package version', async () => {
    const r = await reelay(['--version'], {});
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(r.stdout).toBe(`${version}\n`);
  });
});
