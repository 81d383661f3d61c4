/**
 * A loopback proxy in front of the simulator that notes, per task, when it finished sending the
 * first poll reply saying `completed`: the outside timestamp a hand-off is measured from. The
 * Host header is rewritten to the simulator's, so result URLs point at the simulator directly
 * and video downloads do not pass through here.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const POLL_PREFIX = '/model/v1/generation/task/';

export type PollTap = {
  readonly url: string;
  /** Task id → epoch ms when the completing poll's reply was fully written. */
  completedAt: Map<string, number>;
  close(): Promise<void>;
};

export async function startPollTap(simulatorUrl: string): Promise<PollTap> {
  const target = new URL(simulatorUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const completedAt = new Map<string, number>();
  const server = createServer((req, res) => {
    const upstream = request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    });
    upstream.on('response', (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (c: Buffer) => chunks.push(c));
      reply.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        res.end(body, () => {
          const taskId = req.url?.startsWith(POLL_PREFIX) ? req.url.slice(POLL_PREFIX.length) : undefined;
          if (taskId && !completedAt.has(taskId) && isCompleted(body)) completedAt.set(taskId, Date.now());
        });
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    completedAt,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isCompleted(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { status?: string }).status === 'completed';
  } catch {
    return false;
  }
}
