import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface StartS3Options {
  /** Port on 127.0.0.1. @defaultValue 0 (the OS picks one; pause/resume keep it) */
  port?: number;
  /** Where s3rver keeps buckets and objects. @defaultValue a fresh temp dir, removed on stop */
  directory?: string;
  /** Buckets created before the server answers. @defaultValue [] */
  buckets?: string[];
}

/** A real S3-protocol server (s3rver) in this process, and how to reach it. */
export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly region: 'us-east-1';
  readonly accessKeyId: 'S3RVER';
  readonly secretAccessKey: 'S3RVER';
  readonly forcePathStyle: true;
  /** Where the objects live on disk. */
  readonly directory: string;
  /** A new client configured for this server; `stop()` destroys every client it handed out. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  /** Stop listening and remove the temp directory (a caller-given directory is kept). */
  stop(): Promise<void>;
  /** Take S3 away: close the listener and drop open connections, so requests are refused. */
  pause(): Promise<void>;
  /** Bring S3 back on the same port with the same data. */
  resume(): Promise<void>;
}

const REGION = 'us-east-1';
// s3rver's built-in credentials; it checks SigV4 signatures against them.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

export async function startS3(opts: StartS3Options = {}): Promise<LocalS3> {
  const ownsDirectory = opts.directory === undefined;
  const directory = opts.directory ?? (await mkdtemp(join(tmpdir(), 'reelay-s3-')));
  // `silent` mutes both s3rver's winston logger and Koa's error printing.
  const s3rver = new S3rver({
    silent: true,
    directory,
    configureBuckets: (opts.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  // We own the http.Server (instead of s3rver.run()) so pause/resume can rebind it.
  const handler = s3rver.callback();
  let server: Server | undefined;
  let state: 'running' | 'paused' | 'stopped' = 'running';
  const clients = new Set<S3Client>();

  try {
    await s3rver.configureBuckets();
    server = createServer(handler);
    const port = await listen(server, opts.port ?? 0);
    const endpoint = `http://127.0.0.1:${port}`;

    return {
      endpoint,
      port,
      region: REGION,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      forcePathStyle: true,
      directory,
      client(overrides = {}) {
        const client = new S3Client({
          endpoint,
          region: REGION,
          forcePathStyle: true,
          credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
          // s3rver predates the SDK's default CRC32 checksums (aws-chunked trailers would be
          // stored as object bytes); send them only when an operation requires one.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...overrides,
        });
        clients.add(client);
        return client;
      },
      async pause() {
        if (state !== 'running' || server === undefined) return;
        state = 'paused';
        await close(server);
        server = undefined;
      },
      async resume() {
        if (state !== 'paused') return;
        const next = createServer(handler);
        await listen(next, port);
        server = next;
        state = 'running';
      },
      async stop() {
        if (state === 'stopped') return;
        state = 'stopped';
        for (const client of clients) client.destroy();
        clients.clear();
        if (server !== undefined) await close(server);
        server = undefined;
        if (ownsDirectory) await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (server?.listening) await close(server);
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw err;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive sockets would otherwise keep serving (and keep close() waiting).
    server.closeAllConnections();
  });
}
