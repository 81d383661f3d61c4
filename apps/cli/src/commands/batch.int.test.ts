import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Batch, BatchCreateResult } from '@reelay/contracts';
import { deletePrefix } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = fileURLToPath(new URL('../main.ts', import.meta.url));
const prefix = `cli-batch-${randomUUID().slice(0, 8)}`;
const IMG = 'https://example.com/cat.png';
const request = (prompt: string) => ({ input: { prompt, media: [{ type: 'first_frame', url: IMG }] } });
let producer: Producer;
let dir: string;

/** `reelay batch …` as an operator runs it: a process, configured by the environment. */
async function reelay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'batch', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL,
      REELAY_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
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

async function file(name: string, lines: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

/** Every key under the test's prefix: what a refused create must leave unchanged. */
async function keys(): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    return (await redis.keys(`${prefix}:*`)).sort();
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
  dir = await mkdtemp(join(tmpdir(), 'reelay-batch-'));
});
afterAll(async () => {
  await producer?.close();
  await deletePrefix(REDIS_URL, prefix);
  await rm(dir, { recursive: true, force: true });
});

describe('reelay batch, against Redis', () => {
  let id: string;

  it('creates a batch from a JSON Lines file (items and bare requests) and prints its id', async () => {
    const path = await file('ok.jsonl', [
      { request: request('a'), options: { metadata: { sku: 'a' } } },
      '',
      request('b'),
      { request: request('c') },
    ]);
    const r = await reelay('create', path, '--tenant', 'acme', '--idempotency-key', 'cli-1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    id = r.stdout.trim();
    expect(id).toMatch(/^bat_[0-9a-z]{26}$/);
    const batch = await producer.getBatch(id);
    expect(batch).toMatchObject({ tenant: 'acme', state: 'in_progress', idempotencyKey: 'cli-1' });
    expect(batch?.counts).toMatchObject({ total: 3, queued: 3 });
    const members = (await producer.listBatchGenerations(id))!.items;
    expect((await producer.getStatus(members[0]!.id))?.metadata).toEqual({ sku: 'a' });
    expect((await producer.getStatus(members[1]!.id))?.request.input.prompt).toBe('b');

    // The same key again: the same batch, nothing new; --json prints the create result.
    const again = await reelay('create', path, '--tenant', 'acme', '--idempotency-key', 'cli-1', '--json');
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout) as BatchCreateResult;
    expect(result).toMatchObject({ id, created: false });
    expect(result.generations.map((g) => g.id)).toEqual(members.map((m) => m.id));
  });

  it('prints the status as text and as JSON (one snapshot when stdout is not a terminal)', async () => {
    const text = await reelay('status', id);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^batch +${id}$`, 'm'));
    expect(text.stdout).toMatch(/^state +in_progress$/m);
    expect(text.stdout).toMatch(/^ {2}queued +3$/m);
    expect(text.stdout).toMatch(/^cost +0\.00 USD actual, [\d.]+ USD estimated$/m);
    expect(text.stdout).toMatch(/^results file +not yet/m);
    const json = await reelay('status', id, '--json');
    expect(JSON.parse(json.stdout)).toEqual(await producer.getBatch(id));
    const watched = await reelay('status', id, '--watch');
    expect(watched.code).toBe(0);
    expect(watched.stdout).not.toContain('\r');
    expect(watched.stdout).toMatch(/^state +in_progress$/m);
  });

  it('cancels the batch: every member not yet ended, the batch ends canceled', async () => {
    const r = await reelay('cancel', id, '--json');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Batch;
    expect(printed).toMatchObject({ id, state: 'canceled', counts: { total: 3, canceled: 3, queued: 0 } });
    expect((await producer.getBatch(id))?.state).toBe('canceled');
    const text = await reelay('status', id);
    expect(text.stdout).toMatch(/^ {2}canceled +3$/m);
  });

  it('names a bad line by its number and field, exits 2 and enqueues nothing', async () => {
    const before = await keys();
    const path = await file('bad.jsonl', [
      request('fine'),
      { request: { input: { prompt: 'no media', media: [] } } },
      '',
      { input: { prompt: 'x', media: [] } },
      { request: request('y'), options: { tenant: 'other' } },
    ]);
    // In parallel: each case is a process start.
    const [r, json, flag] = await Promise.all([
      reelay('create', path),
      reelay('create', await file('json.jsonl', [request('a'), '{"request": '])),
      reelay('create', await file('one.jsonl', [request('a')]), '--webhook-url', 'nope'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`reelay batch: ${path}: line 2: request.input.media: `);
    expect(r.stderr).toContain(`reelay batch: ${path}: line 4: input.media: `);
    expect(r.stderr).toContain(`reelay batch: ${path}: line 5: options.tenant: is set on the batch`);
    expect(r.stderr).toContain('nothing was enqueued');
    expect(r.stderr).not.toMatch(/line 1:/);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/line 2: not valid JSON/);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('reelay batch: --webhook-url: must be an absolute URL');
    expect(await keys()).toEqual(before);
  });

  it("refuses a batch the tenant's budget cannot hold: exit 1, nothing enqueued", async () => {
    await producer.setTenant('thrifty', { budget: { limitUsd: 0, period: 'total' } });
    const before = await keys();
    const r = await reelay(
      'create',
      await file('two.jsonl', [request('a'), request('b')]),
      '--tenant',
      'thrifty',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^reelay batch: .*; nothing was enqueued\n$/);
    expect(await keys()).toEqual(before);
  });

  it('refuses bad arguments with the usage, and says when a batch is unknown', async () => {
    const unknownId = 'bat_00000000000000000000000000';
    const [r, missing, cancel, nofile] = await Promise.all([
      reelay('status', 'gen_01jd8x3k4m5n6p7q8r9s0t1v2w'),
      reelay('status', unknownId),
      reelay('cancel', unknownId),
      reelay('create', join(dir, 'absent.jsonl')),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("reelay batch: <batch id> 'gen_01jd8x3k4m5n6p7q8r9s0t1v2w': must be bat_");
    expect(r.stderr).toContain('usage: reelay batch create');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`reelay batch: no batch ${unknownId}\n`);
    expect(cancel.code).toBe(1);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr).toContain('could not read');
  });
});
