// A throwaway Vtrix stand-in for integration tests: plain node:http on 127.0.0.1, an
// ephemeral port, a record of every request and of every TCP connection it accepted.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Which accepted connection carried the request (1-based). */
  connection: number;
}

export type StubHandler = (req: StubRequest, res: ServerResponse) => void | Promise<void>;

export interface StubUpstream {
  baseUrl: string;
  requests: StubRequest[];
  /** Number of TCP connections accepted so far. */
  connections(): number;
  /** Resolves when every accepted connection has closed. */
  allConnectionsClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startStubUpstream(handler: StubHandler): Promise<StubUpstream> {
  const requests: StubRequest[] = [];
  const sockets = new Map<Socket, number>();
  const open = new Set<Socket>();
  let onAllClosed: (() => void) | undefined;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record: StubRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      connection: sockets.get(req.socket) ?? 0,
    };
    requests.push(record);
    await handler(record, res);
  });
  server.on('connection', (socket) => {
    sockets.set(socket, sockets.size + 1);
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) onAllClosed?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    connections: () => sockets.size,
    allConnectionsClosed: () =>
      open.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onAllClosed = resolve;
          }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was just listening and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
