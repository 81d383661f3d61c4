import { createServer, type Server } from 'node:http';
import type { Metrics, StageQueues } from '@reelay/core';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/**
 * `/metrics` (Prometheus), `/healthz` (the process answers) and `/readyz` (Redis answers and
 * every stage worker is running) on METRICS_PORT. Queue depths and tenant figures are read per
 * scrape.
 */
export async function startHealthServer(opts: {
  port: number;
  host?: string;
  metrics: Metrics;
  queues: StageQueues;
  workers: Worker[];
  redis: Redis;
  /** REELAY_QUEUE_PREFIX, for the tenant figures. @defaultValue the stage queues' prefix (the same) */
  prefix?: string;
}): Promise<Server & { url: string }> {
  const { metrics, queues } = opts;
  const prefix = opts.prefix ?? queuePrefix(queues.submit);
  async function readDepths(): Promise<void> {
    let inFlight = 0;
    for (const [name, queue] of Object.entries(queues)) {
      const counts = await queue.getJobCounts(...DEPTH_STATES);
      for (const state of DEPTH_STATES) metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
      if (name === 'poll')
        inFlight =
          (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0);
    }
    metrics.tasksInFlight.set(inFlight);
  }
  async function ready(): Promise<string | undefined> {
    try {
      await opts.redis.ping();
    } catch (e) {
      return `redis: ${(e as Error).message}`;
    }
    const stopped = opts.workers.filter((w) => !w.isRunning());
    return stopped.length ? `workers not running: ${stopped.map((w) => w.name).join(', ')}` : undefined;
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return reply(200, 'ok\n');
    if (path === '/readyz') {
      ready().then((problem) => (problem ? reply(503, `not ready: ${problem}\n`) : reply(200, 'ready\n')));
      return;
    }
    if (path === '/metrics') {
      // Each read keeps its last values when Redis fails it: the scrape still answers.
      Promise.all([
        readDepths().catch(() => {}),
        metrics.collectTenants(opts.redis, prefix).catch(() => {}),
        opts.redis
          .exists(`${prefix}:upstream:pause`)
          .then((n) => metrics.upstreamPaused.set(n))
          .catch(() => {}),
      ])
        .then(() => opts.metrics.registry.metrics())
        .then(
          (text) => reply(200, text, opts.metrics.registry.contentType),
          (e: Error) => reply(500, e.message),
        );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return Object.assign(server, { url: `http://${opts.host ?? '127.0.0.1'}:${port}` });
}

/** The key prefix a stage queue was made with: BullMQ qualifies its name as `<prefix>:<name>`. */
function queuePrefix(queue: Queue): string {
  const suffix = `:${queue.name}`;
  return queue.qualifiedName.endsWith(suffix) ? queue.qualifiedName.slice(0, -suffix.length) : 'reelay';
}
