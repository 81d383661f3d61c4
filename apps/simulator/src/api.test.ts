import { describe, expect, it } from 'vitest';
import { answerCreate, answerPoll, isAuthorized } from './api.ts';
import { defaultConfig, type SimulatorConfig } from './config.ts';
import { verifyFileUrl } from './signed-url.ts';
import { createState, resetState, type SimulatorState, statsOf } from './simulator-state.ts';

const body = Buffer.from(
  JSON.stringify({
    model: 'wan27_i2v',
    input: [{ params: { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } } }],
  }),
);
const auth = 'Bearer test-key';
const origin = 'http://sim.test';

function setup(patch: Partial<SimulatorConfig> = {}) {
  const clock = { t: 1_000_000 };
  const state = createState({
    config: { ...defaultConfig, taskDurationMs: 1000, ...patch },
    seed: 11,
    now: () => clock.t,
    baseClip: Buffer.from('base'),
  });
  const create = (generationId?: string, b = body) =>
    answerCreate(state, { authorization: auth, generationId, body: b });
  const poll = (taskId: string) => answerPoll(state, { authorization: auth, taskId, origin });
  return { state, clock, create, poll };
}

const idOf = (reply: { body: unknown }) => (reply.body as { id: string }).id;
const urlOf = (reply: { body: unknown }) =>
  new URL((reply.body as { output: { content: { url: string }[] }[] }).output[0]?.content[0]?.url ?? '');
const check = (state: SimulatorState, url: URL) =>
  verifyFileUrl(
    state.secret,
    url.pathname.slice(7, -4),
    url.searchParams.get('expires'),
    url.searchParams.get('sig'),
    state.now(),
  );

describe('isAuthorized', () => {
  it('needs some bearer when no key is set, and the exact key when one is', () => {
    expect(isAuthorized('Bearer anything', undefined)).toBe(true);
    expect(isAuthorized(undefined, undefined)).toBe(false);
    expect(isAuthorized('Bearer ', undefined)).toBe(false);
    expect(isAuthorized('Basic abc', undefined)).toBe(false);
    expect(isAuthorized('Bearer k1', 'k1')).toBe(true);
    expect(isAuthorized('bearer k1', 'k1')).toBe(true);
    expect(isAuthorized('Bearer k2', 'k1')).toBe(false);
  });
});

describe('answerCreate / answerPoll', () => {
  it('creates a task that runs, then completes with a signed URL pointing at the given origin', () => {
    const { state, clock, create, poll } = setup();
    const created = create('gen_1');
    expect(created.status).toBe(200);
    const id = idOf(created);
    expect(poll(id).body).toMatchObject({ id, status: 'in_progress', progress: 0 });
    clock.t += 1000;
    const done = poll(id);
    expect(done.body).toMatchObject({ id, status: 'completed' });
    expect(urlOf(done).origin).toBe(origin);
    expect(check(state, urlOf(done))).toEqual({ ok: true });
    expect(statsOf(state)).toMatchObject({
      creates: 1,
      polls: 2,
      tasks: { running: 0, completed: 1, failed: 0 },
    });
  });

  it('answers 401 with the InvalidApiKey body and counts nothing', () => {
    const { state } = setup({ apiKey: 'right' });
    const reply = answerCreate(state, { authorization: 'Bearer wrong', generationId: undefined, body });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ code: 'InvalidApiKey', request_id: expect.any(String) });
    expect(statsOf(state).creates).toBe(0);
  });

  it('answers 404 for an unknown task and counts the poll', () => {
    const { state, poll } = setup();
    expect(poll('nope')).toEqual({ status: 404, body: { message: 'task not found' } });
    expect(statsOf(state).polls).toBe(1);
  });

  it('counts creates per generation header, falling back to the body hash', () => {
    const { state, create } = setup();
    create('gen_a');
    create('gen_a');
    create('gen_b');
    create(undefined);
    create(undefined);
    const stats = statsOf(state);
    expect(stats.creates).toBe(5);
    const byGen = stats.createsByGeneration;
    expect(byGen.gen_a).toBe(2);
    expect(byGen.gen_b).toBe(1);
    const hashed = Object.entries(byGen).filter(([k]) => k.startsWith('sha256:'));
    expect(hashed).toHaveLength(1);
    expect(hashed[0]?.[1]).toBe(2);
  });

  it('rejects the next N creates with 400 InvalidParameter, then accepts again', () => {
    const { state, create } = setup({ rejectCreates: 2 });
    expect(create().status).toBe(400);
    expect(state.config.rejectCreates).toBe(1);
    expect(create().body).toMatchObject({ code: 'InvalidParameter' });
    expect(create().status).toBe(200);
    expect(statsOf(state).creates).toBe(1);
  });

  it('records the most polls answered within any sliding second', () => {
    const { state, clock, create, poll } = setup();
    const id = idOf(create());
    for (let i = 0; i < 5; i++) {
      poll(id);
      clock.t += 100;
    }
    clock.t += 1_000;
    poll(id);
    poll(id);
    expect(statsOf(state).maxPollsPerSecond).toBe(5);
    for (let i = 0; i < 6; i++) poll(id);
    expect(statsOf(state).maxPollsPerSecond).toBe(8);
  });

  it('taskTtlMs: a task older than it is forgotten: its poll answers 404', () => {
    const { clock, create, poll } = setup({ taskTtlMs: 1_000, taskDurationMs: 60_000 });
    const id = idOf(create());
    clock.t += 999;
    expect(poll(id).status).toBe(200);
    clock.t += 1;
    expect(poll(id).status).toBe(404);
  });

  it('accountState refuses every create as the upstream refuses an account, and makes nothing', () => {
    const { state, create } = setup({ accountState: 'no_balance' });
    expect(create()).toMatchObject({ status: 403, body: { message: 'insufficient balance or permission' } });
    state.config = { ...state.config, accountState: 'arrearage' };
    expect(create()).toMatchObject({ status: 400, body: { code: 'Arrearage' } });
    expect(statsOf(state)).toMatchObject({ creates: 0, accountRefusals: 2 });
    state.config = { ...state.config, accountState: 'ok' };
    expect(create().status).toBe(200);
  });

  it('lostCreateReplyRate: makes and counts the task, then answers 5xx', () => {
    const { state, create } = setup({ lostCreateReplyRate: 1 });
    const reply = create();
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(statsOf(state).creates).toBe(1);
    expect(statsOf(state).serverErrors).toBe(1);
    expect(state.tasks.size).toBe(1);
  });

  it('rejects bad JSON and bad structure with 400 naming the field', () => {
    const { create } = setup();
    expect(create(undefined, Buffer.from('{')).body).toMatchObject({ message: 'body: must be valid JSON' });
    expect(create(undefined, Buffer.from('{"model":"x"}')).body).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringMatching(/^model: /),
    });
  });

  it('answers 429 with Retry-After on create and poll, counting them, and creates nothing', () => {
    const { state, create, poll } = setup({ rateLimitRate: 1, retryAfterS: 4 });
    const a = create();
    const b = poll('x');
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(a.headers?.['retry-after']).toBe('4');
    expect(statsOf(state)).toMatchObject({ rateLimited: 2, creates: 0, polls: 0 });
  });

  it('answers injected 5xx and counts them', () => {
    const { state, create } = setup({ serverErrorRate: 1 });
    const statuses = new Set(Array.from({ length: 40 }, () => create().status));
    expect(statuses).toEqual(new Set([500, 502, 503]));
    expect(statsOf(state)).toMatchObject({ serverErrors: 40, creates: 0 });
  });

  it('wraps replies in the old envelope at envelopeRate 1', () => {
    const { create } = setup({ envelopeRate: 1 });
    const body = create().body as { data: Record<string, unknown>; status: unknown };
    expect(body.status).toEqual({ code: 0, message: 'success' });
    expect(body.data.task_id).toMatch(/^[0-9a-z]{20}$/);
    expect(body.data.id).toBeUndefined();
  });

  it('mints an expired first URL with expireFirstUrl, and a fresh one on the next poll', () => {
    const { state, clock, create, poll } = setup({ expireFirstUrl: true, taskDurationMs: 0 });
    const id = idOf(create());
    const first = urlOf(poll(id));
    expect(check(state, first)).toEqual({ ok: false, error: 'expired' });
    clock.t += 1;
    const second = urlOf(poll(id));
    expect(check(state, second)).toEqual({ ok: true });
  });

  it('expires URLs after urlTtlMs', () => {
    const { state, clock, create, poll } = setup({ taskDurationMs: 0, urlTtlMs: 500 });
    const url = urlOf(poll(idOf(create())));
    clock.t += 499;
    expect(check(state, url)).toEqual({ ok: true });
    clock.t += 1;
    expect(check(state, url)).toEqual({ ok: false, error: 'expired' });
  });

  it('is reproducible for a seed, and reset drops tasks but never reuses ids', () => {
    const a = setup();
    const b = setup();
    const idsA = [idOf(a.create()), idOf(a.create())];
    expect([idOf(b.create()), idOf(b.create())]).toEqual(idsA);
    resetState(a.state);
    expect(statsOf(a.state)).toMatchObject({ creates: 0, tasks: { running: 0, completed: 0, failed: 0 } });
    expect(a.poll(idsA[0] ?? '').status).toBe(404);
    expect(idsA).not.toContain(idOf(a.create()));
  });
});
