import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse } from './sse-client.ts';
import { deleteKeys, REDIS_URL, TOKENS, validRequest } from './test-fixtures.ts';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
const children: ChildProcess[] = [];
const prefixes: string[] = [];

function run(env: Record<string, string>): { proc: ChildProcess; stdout: string[] } {
  // Only what the test sets: the machine's own HOST/API_* must not leak in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k === 'PATH' || k === 'HOME' || k === 'TMPDIR'),
  );
  const proc = spawn(process.execPath, [mainPath], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const stdout: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => stdout.push(l));
  return { proc, stdout };
}

async function waitForLine(
  lines: string[],
  msg: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === msg);
    if (hit) return hit;
    if (Date.now() > deadline)
      throw new Error(`no '${msg}' log line within ${timeoutMs} ms: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  const redis = new Redis(REDIS_URL);
  for (const p of prefixes.splice(0)) await deleteKeys(redis, `${p}:*`);
  await redis.quit();
});

describe('the API process (runApiProcess)', () => {
  it('serves on HOST:API_PORT with API_TOKENS, and exits 0 on SIGTERM, ending open streams', async () => {
    const prefix = `test-${randomUUID()}`;
    prefixes.push(prefix);
    const { proc, stdout } = run({
      REDIS_URL,
      REELAY_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      API_PORT: '0',
      API_TOKENS: TOKENS.join(','),
    });
    const url = (await waitForLine(stdout, 'api listening')).url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const created = await fetch(`${url}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[1]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: validRequest() }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const stream = await openSse(`${url}/v1/generations/${id}/events`, {
      authorization: `Bearer ${TOKENS[0]}`,
    });
    expect(await stream.nextEvent()).toMatchObject({ data: { id, state: 'queued' } });

    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    expect(await stream.next()).toBeUndefined();
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    const log = stdout.join('\n');
    for (const token of TOKENS) expect(log).not.toContain(token);
  });

  it('exits 1 naming every bad variable', async () => {
    const { proc } = run({ REDIS_URL, API_PORT: 'x', API_BODY_LIMIT_BYTES: '1', LOG_LEVEL: 'loud' });
    let stderr = '';
    proc.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    for (const name of ['API_PORT', 'API_BODY_LIMIT_BYTES', 'LOG_LEVEL', 'API_TOKENS'])
      expect(stderr).toContain(name);
  });

  it('refuses to run without auth off loopback', async () => {
    const { proc } = run({ REDIS_URL, HOST: '0.0.0.0', API_PORT: '0', API_ALLOW_NO_AUTH: 'true' });
    let stderr = '';
    proc.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('API_ALLOW_NO_AUTH: only allowed when HOST is a loopback address');
  });
});
