import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { callApi, createTask } from './test-client.ts';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
let child: ChildProcess | undefined;

function run(env: Record<string, string>): ChildProcess {
  const { SIM_PORT: _p, ...inherited } = process.env;
  child = spawn(process.execPath, [mainPath], {
    env: { ...inherited, SIM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return child;
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const lines = createInterface({ input: stream });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return JSON.parse(line) as Record<string, unknown>;
}

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  child = undefined;
});

describe('standalone simulator (main.ts)', () => {
  it('starts from SIM_* variables, logs one JSON line with its URL, and stops cleanly on SIGTERM', async () => {
    const proc = run({ SIM_API_KEY: 'env-key', SIM_TASK_DURATION_MS: '0', SIM_SEED: '5' });
    const started = await firstLine(proc.stdout!);
    expect(started).toMatchObject({
      msg: 'simulator listening',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      seed: 5,
    });
    const url = started.url as string;

    expect((await createTask(url)).status).toBe(401);
    const created = await callApi(url, '/model/v1/generation', {
      key: 'env-key',
      body: {
        model: 'wan27_i2v',
        input: [{ params: { input: { media: [{ type: 'first_frame', url: 'https://x/a.png' }] } } }],
      },
    });
    expect(created.status).toBe(200);
    expect((await callApi(url, '/_sim/config', { key: null })).body.taskDurationMs).toBe(0);

    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('exits 1 naming every bad variable', async () => {
    const proc = run({ SIM_FAIL_RATE: '7', SIM_RETRY_AFTER_FORM: 'later', SIM_PORT: 'x' });
    const stderr = firstLine(proc.stderr!);
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    const report = await stderr;
    const errors = (report.errors as string[]).join('\n');
    expect(errors).toContain('SIM_FAIL_RATE');
    expect(errors).toContain('SIM_RETRY_AFTER_FORM');
    expect(errors).toContain('SIM_PORT');
  });
});
