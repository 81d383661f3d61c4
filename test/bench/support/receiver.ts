/**
 * A webhook receiver for benchmarks: notes when each generation's first delivery arrived and
 * answers 204, nothing else. It verifies no signatures (devstack's receiver does, in the e2e
 * suites), so its cost is the same for Reelay's signed events and the baseline's bare POSTs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Arrival = { id: string; taskId: string | undefined; at: number };

export type BenchReceiver = {
  readonly url: string;
  count(): number;
  arrivals(): Arrival[];
  /** Resolves once `n` distinct generations have had a delivery; rejects after `timeoutMs`. */
  waitForCount(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
};

type Body = { data?: { id?: string; upstream?: { taskId?: string } } };

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const seen = new Map<string, Arrival>();
  let waiter: { n: number; resolve(): void } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      let body: Body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      } catch {}
      const id = body.data?.id;
      if (id && !seen.has(id)) seen.set(id, { id, taskId: body.data?.upstream?.taskId, at });
      if (waiter && seen.size >= waiter.n) waiter.resolve();
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    count: () => seen.size,
    arrivals: () => [...seen.values()],
    waitForCount(n, timeoutMs) {
      if (seen.size >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`receiver: ${seen.size} of ${n} generations delivered after ${timeoutMs} ms`));
        }, timeoutMs);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          },
        };
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
