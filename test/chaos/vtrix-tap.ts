/**
 * A loopback proxy in front of the simulator, one endpoint per worker process, that notes who
 * sent each generation's latest create and how it was answered. That is how a kill is placed
 * inside or outside the submit window: the simulator counts creates per generation but cannot
 * tell which worker process sent them.
 */
import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';

const CREATE_PATH = '/model/v1/generation';

/** The latest create of one generation: which worker sent it, and its HTTP status once answered. */
export type CreateTrace = { worker: string; status: 'pending' | 'no-reply' | number };

export type VtrixTap = {
  /** A new endpoint whose creates are attributed to `worker`. */
  open(worker: string): Promise<string>;
  /** Generations whose latest create came from `worker`, with its answer so far. */
  createsBy(worker: string): Array<{ generationId: string; status: CreateTrace['status'] }>;
  close(): Promise<void>;
};

export function createVtrixTap(simulatorUrl: string): VtrixTap {
  const target = new URL(simulatorUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latest = new Map<string, CreateTrace>();
  const servers: Server[] = [];

  function forward(worker: string) {
    return createServer((req, res) => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const generationId = header(req.headers, 'x-reelay-generation-id');
      let trace: CreateTrace | undefined;
      if (req.method === 'POST' && req.url === CREATE_PATH && generationId) {
        trace = { worker, status: 'pending' };
        latest.set(generationId, trace);
      }
      const upstream = request({
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      });
      upstream.on('response', (reply) => {
        if (trace) trace.status = reply.statusCode ?? 0;
        // A killed worker has closed `res`; the upstream effect has happened either way.
        if (res.destroyed) {
          reply.resume();
          return;
        }
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        pipeline(reply, res, () => {});
      });
      upstream.on('error', () => {
        if (trace?.status === 'pending') trace.status = 'no-reply';
        if (res.destroyed) return;
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
      pipeline(req, upstream, () => {});
    });
  }

  return {
    async open(worker) {
      const server = forward(worker);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    createsBy(worker) {
      const out: Array<{ generationId: string; status: CreateTrace['status'] }> = [];
      for (const [generationId, trace] of latest) {
        if (trace.worker === worker) out.push({ generationId, status: trace.status });
      }
      return out;
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      agent.destroy();
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
