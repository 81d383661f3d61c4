/**
 * A flaky network between each worker and Redis: one loopback TCP relay per worker that, while
 * on, drops a reply now and then and resets the connection instead. Redis has executed the
 * command; the worker never hears so. ioredis then reconnects and sends the unanswered commands
 * again (autoResendUnfulfilledCommands), so a compare-and-set can meet its own earlier write.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export type RedisLinks = {
  /** A Redis URL for `worker` that goes through its own relay. */
  open(worker: string): Promise<string>;
  /** Per reply chunk, the chance that it is dropped and the connection reset (0 = a plain relay). */
  setCutRate(p: number): void;
  /** Replies dropped so far, per worker. */
  cuts(): Record<string, number>;
  close(): Promise<void>;
};

export function createRedisLinks(redisPort: number, random: () => number = Math.random): RedisLinks {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const cuts: Record<string, number> = {};
  let cutRate = 0;

  function relay(worker: string, client: Socket): void {
    const upstream = connect(redisPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (cutRate > 0 && random() < cutRate) {
        cuts[worker] = (cuts[worker] ?? 0) + 1;
        cut();
        return;
      }
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        sockets.delete(socket);
        cut();
      });
    }
  }

  return {
    async open(worker) {
      const server = createServer((client) => relay(worker, client));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      return `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    setCutRate(p) {
      cutRate = p;
    },
    cuts: () => ({ ...cuts }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
