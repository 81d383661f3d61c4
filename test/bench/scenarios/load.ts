/**
 * Scenario load: a steady enqueue load, open loop (a fixed arrival rate whatever the answers),
 * for 60 s (quick: 3 s), against
 * - the HTTP API (`reelay api` in its own process; this process sends `POST /v1/generations`
 *   over keep-alive connections),
 * - the SDK's `enqueue` (in this process),
 * - and, for each, a raw BullMQ `queue.add` of the same job at the same rate in the same run
 *   (the baseline: what enqueueing costs with none of Reelay's bookkeeping).
 * Reports what was answered per second against the rate, p50 and p99 latency, and errors (goal:
 * none). Redis is the run's own redis-server; no worker runs, so nothing drains the queues.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer } from '@reelay/devstack';
import { createProducer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { Agent, request as httpRequest } from 'undici';
import { baselineQueue } from '../baseline/pipeline.ts';
import type { Row, Scenario } from '../scenario.ts';
import { quantile, round } from '../stats.ts';
import { type LoadResult, openLoop } from '../support/open-loop.ts';
import { request } from '../support/requests.ts';

const CLI = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));
/** Generations enqueued per second: steady, well above what one upstream account takes. */
const RATE = 200;

type Measured = { name: string; result: LoadResult };

async function startApi(redisUrl: string, prefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'api'], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redisUrl,
      REELAY_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      API_PORT: String(port),
      API_ALLOW_NO_AUTH: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('reelay api did not come up');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function rows(system: Measured, baseline: Measured, label: string): Row[] {
  const r = system.result;
  const b = baseline.result;
  const perSec = (x: LoadResult) => round(x.ok / x.seconds, 1);
  const q = (x: LoadResult, p: number) => round(quantile(x.latenciesMs, p), 2);
  return [
    {
      figure: `${label}: answered per second at ${RATE}/s offered`,
      unit: 'req/s',
      reelay: perSec(r),
      baseline: perSec(b),
      ratio: round(perSec(r) / perSec(b)),
      target: `= ${RATE}/s (held)`,
      met: perSec(r) >= RATE * 0.98,
    },
    {
      figure: `${label}: p50 latency`,
      unit: 'ms',
      reelay: q(r, 0.5),
      baseline: q(b, 0.5),
      ratio: round(q(r, 0.5) / q(b, 0.5)),
    },
    {
      figure: `${label}: p99 latency`,
      unit: 'ms',
      reelay: q(r, 0.99),
      baseline: q(b, 0.99),
      ratio: round(q(r, 0.99) / q(b, 0.99)),
    },
    {
      figure: `${label}: errors`,
      unit: 'count',
      reelay: r.errors,
      baseline: b.errors,
      target: 'none',
      met: r.errors === 0,
    },
  ];
}

export const load: Scenario = {
  name: 'load',
  title: 'Enqueue under steady load',
  async run(ctx) {
    const durationMs = ctx.quick ? 3_000 : 60_000;
    const redis = await startRedisServer();
    const measured: Record<string, Measured> = {};
    try {
      // The API, in its own process, against a BullMQ add of the same job from this one.
      const apiPrefix = `bench-load-api-${randomUUID().slice(0, 8)}`;
      const api = await startApi(redis.url, apiPrefix);
      const agent = new Agent({ connections: 64, pipelining: 1 });
      try {
        const body = (i: number) => JSON.stringify({ request: request(i) });
        const post = async (i: number) => {
          const res = await httpRequest(`${api.url}/v1/generations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body(i),
            dispatcher: agent,
          });
          await res.body.dump();
          if (res.statusCode !== 201) throw new Error(`API answered ${res.statusCode}`);
        };
        await post(-1);
        ctx.log(`load: API at ${RATE}/s for ${durationMs / 1000} s`);
        measured.api = { name: 'api', result: await openLoop(RATE, durationMs, post) };
      } finally {
        await agent.close();
        await api.stop();
      }
      for (const [key, label] of [
        ['apiBaseline', 'BullMQ add (for the API)'],
        ['sdkBaseline', 'BullMQ add (for the SDK)'],
      ] as const) {
        const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
        const queue = baselineQueue(connection, `bench-load-base-${randomUUID().slice(0, 8)}`, 'submit');
        try {
          await queue.add('submit', { id: 'warm', request: request(-1) });
          ctx.log(`load: ${label} at ${RATE}/s for ${durationMs / 1000} s`);
          const result = await openLoop(RATE, durationMs, async (i) => {
            await queue.add('submit', { id: `base_${i}`, request: request(i) });
          });
          measured[key] = { name: key, result };
        } finally {
          await queue.close();
          connection.disconnect();
        }
        if (key === 'apiBaseline') {
          const producer = createProducer({
            redisUrl: redis.url,
            prefix: `bench-load-sdk-${randomUUID().slice(0, 8)}`,
          });
          try {
            await producer.enqueue(request(-1));
            ctx.log(`load: SDK enqueue at ${RATE}/s for ${durationMs / 1000} s`);
            measured.sdk = {
              name: 'sdk',
              result: await openLoop(RATE, durationMs, async (i) => {
                await producer.enqueue(request(i));
              }),
            };
          } finally {
            await producer.close();
          }
        }
      }
    } finally {
      await redis.stop('SIGKILL');
    }
    const { api, apiBaseline, sdk, sdkBaseline } = measured as Record<string, Measured>;
    return {
      name: 'load',
      title: 'Enqueue under steady load',
      setup: `open loop at ${RATE} enqueues per second for ${durationMs / 1000} s each: POST /v1/generations to \`reelay api\` in its own process (keep-alive, up to 64 connections), the SDK's enqueue in this process, and a BullMQ queue.add of the same job at the same rate after each; one redis-server of the run's own, no worker`,
      rows: [...rows(api!, apiBaseline!, 'API'), ...rows(sdk!, sdkBaseline!, 'SDK')],
      notes: Object.values(measured)
        .filter((m) => m.result.errors > 0)
        .map((m) => `${m.name} errors: ${JSON.stringify(m.result.errorKinds)}`),
      details: Object.fromEntries(
        Object.entries(measured).map(([k, m]) => [
          k,
          {
            ...m.result,
            latenciesMs: undefined,
            p50: quantile(m.result.latenciesMs, 0.5),
            p99: quantile(m.result.latenciesMs, 0.99),
          },
        ]),
      ),
    };
  },
};
