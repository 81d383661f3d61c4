import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
import { callApi, createTask, download, pollTask, resultUrl, validCreateBody } from './test-client.ts';

let sim: Simulator | undefined;
const clock = { t: 1_700_000_000_000 };

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  clock.t = 1_700_000_000_000;
  sim = await createSimulator({ seed: 42, now: () => clock.t, taskDurationMs: 1000, ...options });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator over HTTP', () => {
  it('binds loopback on a free port', async () => {
    const s = await start();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
  });

  it('create → poll running → poll completed → download matches expectedSha256 and expectedSize', async () => {
    const s = await start();
    const created = await createTask(s.url, 'gen_1');
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{20}$/),
      created_at: clock.t,
      status: 'in_progress',
      model: 'wan27_i2v',
    });
    const id = created.body.id as string;

    clock.t += 400;
    expect((await pollTask(s.url, id)).body).toMatchObject({ id, status: 'in_progress', progress: 0.4 });

    clock.t += 600;
    const done = await pollTask(s.url, id);
    expect(done.body).toMatchObject({ id, status: 'completed', model: 'wan27_i2v' });
    const url = resultUrl(done.body);
    expect(url.startsWith(`${s.url}/files/${id}.mp4?`)).toBe(true);

    const video = await download(url);
    expect(video.status).toBe(200);
    expect(video.headers['content-type']).toBe('video/mp4');
    expect(Number(video.headers['content-length'])).toBe(s.expectedSize(id));
    expect(video.size).toBe(s.expectedSize(id));
    expect(video.sha256).toBe(await s.expectedSha256(id));
    expect(s.stats()).toMatchObject({
      creates: 1,
      createsByGeneration: { gen_1: 1 },
      polls: 2,
      downloads: 1,
      tasks: { running: 0, completed: 1, failed: 0 },
    });
  });

  it('completes on the first poll when taskDurationMs is 0', async () => {
    const s = await start({ taskDurationMs: 0 });
    const id = (await createTask(s.url)).body.id as string;
    expect((await pollTask(s.url, id)).body.status).toBe('completed');
  });

  it('reports failed tasks with an error', async () => {
    const s = await start({ failRate: 1, taskDurationMs: 0 });
    const id = (await createTask(s.url)).body.id as string;
    const polled = await pollTask(s.url, id);
    expect(polled.body.status).toBe('failed');
    expect(polled.body.error).toBeDefined();
    expect(s.stats().tasks).toEqual({ running: 0, completed: 0, failed: 1 });
  });

  it('keeps stuck tasks running however late', async () => {
    const s = await start({ stuckRate: 1 });
    const id = (await createTask(s.url)).body.id as string;
    clock.t += 7 * 24 * 3_600_000;
    expect((await pollTask(s.url, id)).body).toMatchObject({ status: 'in_progress', progress: 0.99 });
  });

  it('answers 401 InvalidApiKey for a wrong or missing key when a key is set', async () => {
    const s = await start({ apiKey: 'right-key' });
    for (const key of ['wrong-key', null]) {
      const reply = await callApi(s.url, '/model/v1/generation', { body: validCreateBody, key });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        code: 'InvalidApiKey',
        message: expect.any(String),
        request_id: expect.any(String),
      });
    }
    const ok = await callApi(s.url, '/model/v1/generation', { body: validCreateBody, key: 'right-key' });
    expect(ok.status).toBe(200);
    expect(s.stats().creates).toBe(1);
  });

  it('answers 400 InvalidParameter for a structurally bad body and for rejectCreates', async () => {
    const s = await start({ rejectCreates: 1 });
    const rejected = await createTask(s.url);
    expect(rejected.status).toBe(400);
    expect(rejected.body.code).toBe('InvalidParameter');
    const bad = await callApi(s.url, '/model/v1/generation', { body: { ...validCreateBody, input: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'InvalidParameter', message: 'input: must be a non-empty array' });
    expect((await createTask(s.url)).status).toBe(200);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const s = await start();
    const reply = await callApi(s.url, '/model/v1/generation', { body: 'x'.repeat(1024 * 1024 + 1) });
    expect(reply.status).toBe(413);
    expect(s.stats().creates).toBe(0);
  });

  it('answers 404 {"message":"task not found"} for an unknown task', async () => {
    const s = await start();
    const reply = await pollTask(s.url, 'zzzzzzzzzzzzzzzzzzzz');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: 'task not found' });
  });

  it('answers 429 with Retry-After in seconds', async () => {
    const s = await start({ rateLimitRate: 1, retryAfterS: 7 });
    const reply = await createTask(s.url);
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(s.stats()).toMatchObject({ rateLimited: 1, creates: 0 });
  });

  it('answers 429 with Retry-After as an HTTP date on polls too', async () => {
    const s = await start({ retryAfterS: 3, retryAfterForm: 'http-date' });
    const id = (await createTask(s.url)).body.id as string;
    s.configure({ rateLimitRate: 1 });
    const reply = await pollTask(s.url, id);
    expect(reply.status).toBe(429);
    const date = reply.headers.get('retry-after') ?? '';
    expect(date).toMatch(/GMT$/);
    expect(Date.parse(date)).toBe(clock.t + 3000);
  });

  it('answers injected 500/502/503 with a documented error body', async () => {
    const s = await start({ serverErrorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 15; i++) {
      const reply = await createTask(s.url);
      statuses.add(reply.status);
      expect(reply.body.message ?? reply.body.error).toBeDefined();
    }
    expect(statuses).toEqual(new Set([500, 502, 503]));
    expect(s.stats()).toMatchObject({ serverErrors: 15, creates: 0 });
  });

  it('wraps replies in the old envelope when envelopeRate is 1', async () => {
    const s = await start({ envelopeRate: 1, taskDurationMs: 0 });
    const created = await createTask(s.url);
    const data = created.body.data as Record<string, unknown>;
    expect(created.body.status).toEqual({ code: 0, message: 'success' });
    const polled = await pollTask(s.url, data.task_id as string);
    expect((polled.body.data as Record<string, unknown>).status).toBe('completed');
  });

  it('expireFirstUrl: the first URL is 403, re-reading the task gives one that downloads', async () => {
    const s = await start({ expireFirstUrl: true, taskDurationMs: 0 });
    const id = (await createTask(s.url)).body.id as string;
    const first = await download(resultUrl((await pollTask(s.url, id)).body));
    expect(first.status).toBe(403);
    expect(JSON.parse(first.body?.toString() ?? '{}')).toMatchObject({ code: 'AccessDenied' });
    clock.t += 1;
    const second = await download(resultUrl((await pollTask(s.url, id)).body));
    expect(second.status).toBe(200);
    expect(second.sha256).toBe(await s.expectedSha256(id));
    expect(s.stats().downloads).toBe(1);
  });

  it('answers 403 for a URL past its TTL and for a tampered signature', async () => {
    const s = await start({ taskDurationMs: 0, urlTtlMs: 1000 });
    const id = (await createTask(s.url)).body.id as string;
    const url = resultUrl((await pollTask(s.url, id)).body);
    const tampered = url.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'));
    expect((await download(tampered)).status).toBe(403);
    clock.t += 1000;
    expect((await download(url)).status).toBe(403);
  });

  it('delays API replies by latencyMs', async () => {
    const s = await start({ latencyMs: 150 });
    const started = performance.now();
    expect((await createTask(s.url)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('counts creates per X-Reelay-Generation-Id so a double submission shows', async () => {
    const s = await start();
    await createTask(s.url, 'gen_a');
    await createTask(s.url, 'gen_b');
    await createTask(s.url, 'gen_a');
    await createTask(s.url);
    const byGen = s.stats().createsByGeneration;
    expect(byGen.gen_a).toBe(2);
    expect(byGen.gen_b).toBe(1);
    expect(Object.keys(byGen).filter((k) => k.startsWith('sha256:'))).toHaveLength(1);
  });

  it('rejects invalid options at creation, naming the field', async () => {
    await expect(createSimulator({ failRate: 2 })).rejects.toThrow(/failRate/);
  });

  it('close() ends keep-alive connections and resolves', async () => {
    const s = await start();
    await createTask(s.url);
    await s.close();
    await expect(fetch(`${s.url}/_sim/stats`)).rejects.toThrow();
  });
});
