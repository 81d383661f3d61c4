import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Tenant } from '@reelay/contracts';
import { deletePrefix } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = fileURLToPath(new URL('../main.ts', import.meta.url));
const prefix = `cli-tenant-${randomUUID().slice(0, 8)}`;
let producer: Producer;

/** `reelay tenant …` as an operator runs it: a process, configured by the environment. */
async function reelay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'tenant', ...args], {
    env: { PATH: process.env.PATH ?? '', REDIS_URL, REELAY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
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
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

beforeAll(() => {
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
});
afterAll(async () => {
  await producer?.close();
  await deletePrefix(REDIS_URL, prefix);
});

describe('reelay tenant, against Redis', () => {
  it('sets a tenant and prints the result; the producer sees the same settings', async () => {
    const r = await reelay(
      'set',
      'acme',
      '--weight',
      '3',
      '--max-in-flight',
      '10',
      '--budget-usd',
      '500',
      '--period',
      'month',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tenant {9}acme$/m);
    expect(r.stdout).toMatch(/^budget {9}500\.00 USD per UTC month$/m);
    expect(await producer.getTenant('acme')).toMatchObject({
      weight: 3,
      maxInFlight: 10,
      budget: { limitUsd: 500, period: 'month' },
      paused: false,
    });

    const paused = await reelay('set', 'acme', '--pause', '--max-in-flight', 'none', '--json');
    expect(paused.code).toBe(0);
    const printed = JSON.parse(paused.stdout) as Tenant;
    expect(printed).toMatchObject({ name: 'acme', weight: 3, maxInFlight: null, paused: true });
    expect(await producer.getTenant('acme')).toEqual(printed);

    expect((await reelay('set', 'acme', '--resume', '--no-budget')).code).toBe(0);
    expect(await producer.getTenant('acme')).toMatchObject({ paused: false, budget: null, weight: 3 });
  });

  it('lists tenants in a table and as JSON, and shows one', async () => {
    await producer.setTenant('beta', { paused: true });
    const table = await reelay('list');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^tenant\s+weight\s+cap\s+paused\s+queued\s+in flight\s+spent \/ budget$/);
    expect(lines.find((l) => l.startsWith('acme '))).toMatch(
      /^acme\s+3\s+-\s+no\s+0\s+0\s+0\.00 USD \(no budget\)$/,
    );
    expect(lines.find((l) => l.startsWith('beta '))).toMatch(/^beta\s+1\s+-\s+yes\s+0\s+0\s+/);

    const json = await reelay('list', '--json');
    expect((JSON.parse(json.stdout) as Tenant[]).map((t) => t.name)).toEqual(['acme', 'beta']);

    const show = await reelay('show', 'beta', '--json');
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual(await producer.getTenant('beta'));
    expect((await reelay('show', 'beta')).stdout).toMatch(/^paused {9}yes/m);
  });

  it('refuses bad flags with the flag and the rule, exits 2 and changes nothing', async () => {
    const before = await producer.getTenant('acme');
    const cases = [
      [['set', 'acme', '--weight', '0'], '--weight: must be an integer from 1 to 100'],
      [['set', 'acme', '--weight', '5', '--budget-usd', '10'], '--budget-usd: needs --period'],
      [['set', 'acme', '--pause', '--resume'], '--pause, --resume: give one or the other'],
      [['set', 'acme', '--max-in-flight', 'lots'], '--max-in-flight: must be a positive integer'],
      [['set', 'acme', '--colour', 'blue'], '--colour: not a flag of `reelay tenant`'],
      [['set', 'acme'], 'nothing to set'],
      [['set', 'no/such', '--pause'], "<name> 'no/such': must be 1-64 characters"],
    ] as const;
    // In parallel: each case is a process start.
    const results = await Promise.all(cases.map(([args]) => reelay(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`reelay tenant: ${message}`);
      expect(r.stderr).toContain('usage: reelay tenant list');
      expect(r.stdout).toBe('');
    }
    expect(await producer.getTenant('acme')).toEqual(before);
    expect((await producer.listTenants()).map((t) => t.name)).toEqual(['acme', 'beta']);
  });

  it('names a bad configuration and exits 2 without touching Redis', async () => {
    const child = spawn(process.execPath, [CLI, 'tenant', 'list'], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL: 'http://nope' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('REDIS_URL');
  });
});
