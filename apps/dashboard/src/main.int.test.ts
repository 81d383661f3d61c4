import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix } from '../../../test/support/cleanup.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  return { child, output: () => output };
}

/** Resolves with the URL the process logged once it listens (DASHBOARD_PORT=0 lets the OS pick). */
async function listening(output: () => string, child: ChildProcess, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = output()
      .split('\n')
      .find((l) => l.includes('"dashboard listening"'));
    if (line) return (JSON.parse(line) as { url: string }).url;
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`not listening after ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const prefixes: string[] = [];
const prefix = () => {
  const p = `dashp-${randomUUID().slice(0, 8)}`;
  prefixes.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(prefixes.map((p) => deletePrefix(REDIS_URL, p)));
});

describe('the dashboard process', () => {
  it('refuses to start without authentication on a non-loopback address, naming every bad variable', async () => {
    const { child, output } = run({
      REDIS_URL: 'http://nope',
      HOST: '0.0.0.0',
      DASHBOARD_PORT: 'eighty',
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('REDIS_URL: must start with redis:// or rediss://');
    expect(output()).toContain('DASHBOARD_PORT: must be an integer from 0 to 65535');
    expect(output()).toMatch(
      /DASHBOARD_USER: DASHBOARD_USER and DASHBOARD_PASSWORD .* are required when HOST \(0\.0\.0\.0\)/,
    );
  });

  it('serves behind basic auth and exits 0 on SIGTERM', async () => {
    const { child, output } = run({
      REDIS_URL,
      REELAY_QUEUE_PREFIX: prefix(),
      DASHBOARD_PORT: '0',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'hunter2-but-longer',
    });
    try {
      const url = await listening(output, child);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(`${url}api/queues`)).status).toBe(401);
      const ok = await fetch(`${url}api/queues`, {
        headers: { authorization: `Basic ${Buffer.from('ops:hunter2-but-longer').toString('base64')}` },
      });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { queues: unknown[] }).queues).toHaveLength(4);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output()).not.toContain('hunter2');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('on loopback without credentials starts with a warning, and exits 0 on SIGINT', async () => {
    const { child, output } = run({ REDIS_URL, REELAY_QUEUE_PREFIX: prefix(), DASHBOARD_PORT: '0' });
    try {
      const url = await listening(output, child);
      expect(output()).toMatch(/"level":40.*DASHBOARD_USER\/DASHBOARD_PASSWORD are not set/);
      expect((await fetch(`${url}find`)).status).toBe(200);
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      // The process's own log says why when it does not exit cleanly (seen once, not reproduced).
      expect(code, output()).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
