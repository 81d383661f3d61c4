import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from './config.ts';
import { createSimulator, type Simulator } from './simulator.ts';
import { callApi, createTask } from './test-client.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const admin = (s: Simulator, path: string, body?: unknown) =>
  callApi(s.url, path, { body, key: null, method: body === undefined ? 'GET' : 'POST' });

describe('admin endpoints', () => {
  it('GET /_sim/config returns the running config', async () => {
    sim = await createSimulator({ seed: 1, failRate: 0.2 });
    const reply = await admin(sim, '/_sim/config');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ...defaultConfig, failRate: 0.2 });
  });

  it('POST /_sim/config applies a patch that takes effect on the next request', async () => {
    sim = await createSimulator({ seed: 1 });
    const reply = await admin(sim, '/_sim/config', { rateLimitRate: 1, retryAfterS: 9 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ rateLimitRate: 1, retryAfterS: 9 });
    expect(sim.config()).toMatchObject({ rateLimitRate: 1, retryAfterS: 9 });
    expect((await createTask(sim.url)).headers.get('retry-after')).toBe('9');
  });

  it('POST /_sim/config answers 400 naming unknown keys and bad values, changing nothing', async () => {
    sim = await createSimulator({ seed: 1 });
    const reply = await admin(sim, '/_sim/config', { failRate: 3, retryAfterForm: 'soon', bogus: true });
    expect(reply.status).toBe(400);
    const fields = (reply.body.issues as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(['bogus', 'failRate', 'retryAfterForm']);
    expect(reply.body.message).toContain('failRate');
    expect(sim.config()).toEqual(defaultConfig);
    expect((await admin(sim, '/_sim/config', '{not json')).status).toBe(400);
  });

  it('sets and clears the API key through the endpoint', async () => {
    sim = await createSimulator({ seed: 1 });
    await admin(sim, '/_sim/config', { apiKey: 'k' });
    expect((await createTask(sim.url)).status).toBe(401);
    await admin(sim, '/_sim/config', { apiKey: null });
    expect((await createTask(sim.url)).status).toBe(200);
  });

  it('GET /_sim/stats and POST /_sim/reset', async () => {
    sim = await createSimulator({ seed: 1, latencyMs: 0 });
    await createTask(sim.url, 'gen_x');
    sim.configure({ failRate: 1 });
    expect((await admin(sim, '/_sim/stats')).body).toMatchObject({
      creates: 1,
      createsByGeneration: { gen_x: 1 },
    });
    const reset = await admin(sim, '/_sim/reset', {});
    expect(reset.status).toBe(200);
    expect((await admin(sim, '/_sim/stats')).body).toEqual({
      creates: 0,
      createsByGeneration: {},
      polls: 0,
      downloads: 0,
      downloadsCut: 0,
      rateLimited: 0,
      serverErrors: 0,
      accountRefusals: 0,
      maxPollsPerSecond: 0,
      tasks: { running: 0, completed: 0, failed: 0 },
    });
    expect(sim.config().failRate).toBe(0);
  });

  it('answers 404 and 405 for unknown routes and methods', async () => {
    sim = await createSimulator({ seed: 1 });
    expect((await admin(sim, '/_sim/nope')).status).toBe(404);
    expect((await admin(sim, '/elsewhere')).status).toBe(404);
    expect((await callApi(sim.url, '/model/v1/generation')).status).toBe(405);
    expect((await admin(sim, '/_sim/stats', {})).status).toBe(405);
  });
});
