import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let base: string;
beforeAll(async () => {
  stack = await startStack();
  base = (await stack.worker.metricsUrl)!;
});
afterAll(() => stack?.close());

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, text: await res.text() };
};

describe('worker observability', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, text: 'ok\n' });
    expect(await get('/readyz')).toEqual({ status: 200, text: 'ready\n' });
  });

  it('exposes the series operators need on /metrics, counting real work', async () => {
    const { id } = await stack.producer.enqueue(simpleRequest());
    await stack.waitForState(id, 'succeeded');
    await expect
      .poll(async () => (await get('/metrics')).text)
      .toMatch(/reelay_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    const { status, text } = await get('/metrics');
    expect(status).toBe(200);
    for (const stage of ['submit', 'poll', 'sink', 'notify']) {
      expect(text).toMatch(new RegExp(`reelay_jobs_total\\{stage="${stage}",outcome="completed"\\} [1-9]`));
      expect(text).toMatch(new RegExp(`reelay_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`));
      expect(text).toMatch(new RegExp(`reelay_queue_jobs\\{queue="${stage}",state="waiting"\\} \\d`));
    }
    expect(text).toMatch(
      /reelay_upstream_request_duration_seconds_count\{operation="create",status="200"\} 1/,
    );
    expect(text).toMatch(
      /reelay_upstream_request_duration_seconds_count\{operation="get",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/reelay_tasks_in_flight 0/);
    expect(text).toContain('reelay_process_nodejs_eventloop_lag_seconds');
  });

  it('is not ready once a stage worker stops', async () => {
    await stack.worker.workers.poll.close();
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(r.text).toContain('poll');
  });
});
