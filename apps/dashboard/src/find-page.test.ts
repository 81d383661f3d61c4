import type { GenerationStatus } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import type { FindResult } from './find-generation.ts';
import { findPage } from './find-page.ts';
import { duration } from './generation-view.ts';

const EVIL = '<script>alert(1)</script>"\'&';
const id = 'gen_01jd5qk4zq8r2x7v9w3m6n1p0t';
const t0 = Date.UTC(2026, 10, 24, 4, 30, 0);

function failedGeneration(): GenerationStatus {
  return {
    id,
    state: 'failed',
    createdAt: t0,
    updatedAt: t0 + 9_000,
    timeline: [
      { state: 'queued', at: t0 },
      { state: 'running', at: t0 + 1_200 },
      { state: 'copying', at: t0 + 5_000 },
      { state: 'failed', at: t0 + 9_000 },
    ],
    request: {
      input: { prompt: EVIL, media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
    },
    tenant: 'acme',
    cost: { estimatedUsd: 0.75, actualUsd: 0.5 },
    idempotencyKey: `order-${EVIL}`,
    webhook: { url: `https://hooks.example.com/${EVIL}` },
    metadata: { note: EVIL },
    upstream: { taskId: `task-${EVIL}`, submitIntents: 1, status: 'completed' },
    attempts: { submit: 1, poll: 2, sink: 1, notify: 3 },
    error: {
      stage: 'sink',
      code: 'REELAY_S3_UNAVAILABLE',
      message: `connect ECONNREFUSED ${EVIL}`,
      resumable: true,
    },
    deliveries: [
      {
        event: 'generation.failed',
        webhookId: 'msg_x_failed',
        state: 'pending',
        attempts: [
          { attempt: 1, at: t0 + 9_100, status: 503, latencyMs: 12, error: `HTTP 503 ${EVIL}` },
          { attempt: 2, at: t0 + 9_300, latencyMs: 5_000, error: 'timeout' },
        ],
      },
    ],
  };
}

const found = (g: GenerationStatus): FindResult => ({
  found: true,
  query: id,
  matchedBy: 'id',
  generation: g,
  jobs: [
    {
      stage: 'submit',
      jobId: `${id}.submit`,
      queue: 'submit',
      state: 'completed',
      url: `/ops/queue/submit/${id}.submit`,
    },
    { stage: 'poll', jobId: `${id}.poll.2`, queue: 'poll', state: 'unknown' },
    { stage: 'sink', jobId: `${id}.sink`, queue: 'sink', state: 'failed', url: `/ops/queue/sink/${id}.sink` },
  ],
});

describe('findPage', () => {
  it('escapes every value that came from a request, a record or the query', () => {
    const page = findPage(found(failedGeneration()), '/ops');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain(EVIL);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
    for (const where of ['order-', 'hooks.example.com/', 'ECONNREFUSED ', 'HTTP 503 ', 'task-'])
      expect(page).toContain(`${where}${escaped}`);
    const missing = findPage({ found: false, query: EVIL }, '');
    expect(missing).not.toContain('<script>');
    expect(missing).toContain(`value="${escaped}"`);
  });

  it('shows state, the error with its stage, the timeline, deliveries with every attempt', () => {
    const page = findPage(found(failedGeneration()), '/ops');
    expect(page).toContain('<span id="state" class="state state-failed">failed</span>');
    expect(page).toContain('<dd id="error-stage">sink</dd>');
    expect(page).toContain('<span id="tenant">acme</span>');
    expect(page).toContain('estimated 0.75 USD, actual 0.50 USD');
    expect(page).toContain('REELAY_S3_UNAVAILABLE');
    for (const s of ['queued', 'running', 'copying']) expect(page).toContain(`state-${s}">${s}</span>`);
    expect(page).toContain('2026-11-24T04:30:01.200Z');
    expect(page).toContain('+1.2 s');
    expect(page).toContain('msg_x_failed');
    expect(page).toMatch(/<td>1<\/td><td>2026-11-24T04:30:09.100Z<\/td><td>503<\/td>/);
    expect(page).toMatch(
      /<td>2<\/td><td>2026-11-24T04:30:09.300Z<\/td><td>—<\/td><td>timeout<\/td><td>5.0 s<\/td>/,
    );
  });

  it('links each existing job to its bull-board page, and the resumable error to its stage job', () => {
    const page = findPage(found(failedGeneration()), '/ops');
    expect(page).toContain(`<a class="job-link" href="/ops/queue/sink/${id}.sink">open in board</a>`);
    expect(page).toContain(`<a href="/ops/queue/sink/${id}.sink">sink job</a>`);
    expect(page).toContain(`href="/ops/queue/submit/${id}.submit"`);
    expect(page).toContain('not in queue');
    expect(page).not.toContain(`/queue/poll/${id}.poll.2"`);
    expect(page).toContain('<a href="/ops/">Queues board</a>');
    expect(page).toContain('action="/ops/find"');
  });

  it('shows the output of a succeeded generation', () => {
    const g: GenerationStatus = {
      ...failedGeneration(),
      state: 'succeeded',
      output: {
        bucket: 'videos',
        key: `generations/${id}.mp4`,
        uri: `s3://videos/generations/${id}.mp4`,
        size: 12_788,
        sha256: 'ab'.repeat(32),
        contentType: 'video/mp4',
      },
    };
    delete g.error;
    const page = findPage(found(g), '');
    expect(page).toContain(`s3://videos/generations/${id}.mp4`);
    expect(page).toContain('12,788 bytes');
    expect(page).not.toContain('id="error"');
  });

  it('says so when nothing matched, and shows only the form without a query', () => {
    expect(findPage({ found: false, query: 'nope' }, '')).toContain(
      'No generation has the id or idempotency key',
    );
    const empty = findPage(undefined, '');
    expect(empty).toContain('<form method="get" action="/find"');
    expect(empty).not.toContain('No generation');
  });
});

describe('findPage: the upstream lines', () => {
  it("shows progress (a 0–1 fraction) as a percentage, and an ended generation's status as last seen", () => {
    const ended = {
      ...failedGeneration(),
      upstream: { submitIntents: 1, status: 'in_progress', progress: 1 },
    };
    const page = findPage(found(ended), '/ops');
    expect(page).toContain('<dt>Upstream progress</dt><dd>100%</dd>');
    expect(page).toContain('<dt>Upstream status (last seen)</dt><dd>in_progress</dd>');
    const running = {
      ...ended,
      state: 'running' as const,
      upstream: { submitIntents: 1, status: 'in_progress', progress: 0.42 },
    };
    const live = findPage(found(running), '/ops');
    expect(live).toContain('<dt>Upstream progress</dt><dd>42%</dd>');
    expect(live).toContain('<dt>Upstream status</dt><dd>in_progress</dd>');
  });
});

describe('duration', () => {
  it.each([
    [12, '12 ms'],
    [1_250, '1.3 s'],
    [61_000, '1 min 1 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
