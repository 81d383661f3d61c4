import { describe, expect, it } from 'vitest';
import { boardUrls, jobRefsFor, normalizeBasePath } from './job-links.ts';

const id = 'gen_01jd5qk4zq8r2x7v9w3m6n1p0t';

describe('jobRefsFor', () => {
  it('lists submit, the current poll, sink and one notify per event', () => {
    expect(jobRefsFor({ id, pollN: 3 })).toEqual([
      { stage: 'submit', jobId: `${id}.submit` },
      { stage: 'poll', jobId: `${id}.poll.3` },
      { stage: 'sink', jobId: `${id}.sink` },
      { stage: 'notify', jobId: `${id}.notify.running` },
      { stage: 'notify', jobId: `${id}.notify.succeeded` },
      { stage: 'notify', jobId: `${id}.notify.failed` },
      { stage: 'notify', jobId: `${id}.notify.canceled` },
    ]);
  });

  it('has no poll before the task was submitted', () => {
    expect(jobRefsFor({ id, pollN: 0 }).map((r) => r.stage)).not.toContain('poll');
  });
});

describe('boardUrls', () => {
  it("follows bull-board's /queue/<name>/<job id> scheme, encoded", () => {
    expect(boardUrls.job('', 'sink', `${id}.sink`)).toBe(`/queue/sink/${id}.sink`);
    expect(boardUrls.job('/ops', 'my queue', 'a/b?c')).toBe('/ops/queue/my%20queue/a%2Fb%3Fc');
    expect(boardUrls.queue('/ops', 'sink', 'failed')).toBe('/ops/queue/sink?status=failed');
    expect(boardUrls.queue('', 'sink')).toBe('/queue/sink');
    expect(boardUrls.home('')).toBe('/');
    expect(boardUrls.find('/ops', 'order #1')).toBe('/ops/find?q=order%20%231');
  });
});

describe('normalizeBasePath', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['/', ''],
    ['/ops', '/ops'],
    ['/ops/', '/ops'],
    ['ops/queues//', '/ops/queues'],
  ])('%j → %j', (input, out) => {
    expect(normalizeBasePath(input)).toBe(out);
  });
});

describe('boardUrls for batches', () => {
  it('names the list, a batch (with a page cursor), its JSON and its retry form', () => {
    const id = 'bat_01jd8x3k4m5n6p7q8r9s0t1v2w';
    expect(boardUrls.batches('/ops')).toBe('/ops/batches');
    expect(boardUrls.batch('', id)).toBe(`/batches/${id}`);
    expect(boardUrls.batch('/ops', id, '100')).toBe(`/ops/batches/${id}?cursor=100`);
    expect(boardUrls.batchJson('/ops', id)).toBe(`/ops/batches/${id}.json`);
    expect(boardUrls.batchRetryFailed('', id)).toBe(`/batches/${id}/retry-failed`);
    expect(boardUrls.batch('', 'a/b?c')).toBe('/batches/a%2Fb%3Fc');
  });
});
