import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { probeRedis } from './redis-probe.ts';

export interface StartRedisServerOptions {
  /** Persist to an append-only file (fsync every second), e.g. to test restarts. @defaultValue false */
  appendonly?: boolean;
  /** Working directory (AOF, log). @defaultValue a fresh temp dir, removed by `stop()` */
  dir?: string;
  /** Port on 127.0.0.1. @defaultValue a free port */
  port?: number;
  /** How long to wait for the server to answer. @defaultValue 10_000 */
  startTimeoutMs?: number;
}

export type StopSignal = 'SIGTERM' | 'SIGKILL';

/** A `redis-server` child process on 127.0.0.1. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Pid of the current process (changes on restart); undefined while killed. */
  readonly pid: number | undefined;
  /** End the process and remove the temp dir (a caller-given dir is kept). SIGKILL simulates a crash. */
  stop(signal?: StopSignal): Promise<void>;
  /** End the process but keep the dir, so `start()` can bring it back (with its AOF). */
  kill(signal?: StopSignal): Promise<void>;
  /** Start again on the same port and dir after `kill()`; no-op while running. */
  start(): Promise<void>;
  /** `kill(signal)` then `start()`: same port, same dir, reloading the AOF if appendonly. */
  restart(signal?: StopSignal): Promise<void>;
}

/** Error code when `redis-server` is not on PATH. */
export const REDIS_NOT_INSTALLED = 'REELAY_REDIS_NOT_INSTALLED';

const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`; ' +
  'macOS: `brew install redis`) or set REDIS_URL to a Redis that is running.';

// A graceful shutdown flushes the AOF; past this we stop waiting and SIGKILL.
const SIGTERM_GRACE_MS = 10_000;
const POLL_MS = 25;

export async function startRedisServer(opts: StartRedisServerOptions = {}): Promise<RedisServerProcess> {
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'reelay-redis-')));
  const port = opts.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  const logFile = join(dir, `redis-${port}.log`);
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', logFile];
  args.push('--save', '', '--maxmemory-policy', 'noeviction');
  args.push(
    ...(opts.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
  );
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child !== undefined && isRunning(child)) return;
    child = await launch(args, port, logFile, timeoutMs);
  }

  async function kill(signal: StopSignal = 'SIGTERM'): Promise<void> {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    await terminate(running, signal);
  }

  try {
    await start();
  } catch (err) {
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    start,
    kill,
    async restart(signal) {
      await kill(signal);
      await start();
    },
    async stop(signal) {
      await kill(signal);
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Spawn redis-server and resolve once *this* process answers (not another one on the port). */
function launch(args: string[], port: number, logFile: string, timeoutMs: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      fail(
        err.code === 'ENOENT' ? Object.assign(new Error(INSTALL_HINT), { code: REDIS_NOT_INSTALLED }) : err,
      );
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      void logTail(logFile).then((tail) =>
        fail(new Error(`redis-server on port ${port} exited during start-up (${code ?? signal})${tail}`)),
      );
    });
    const deadline = Date.now() + timeoutMs;
    const poll = async (): Promise<void> => {
      while (!settled) {
        if (child.pid !== undefined && (await answersAs(port, child.pid))) {
          if (settled) return;
          settled = true;
          track(child);
          resolve(child);
          return;
        }
        if (Date.now() > deadline) {
          fail(new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`));
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };
    void poll();
  });
}

/** True once the Redis on `port` is process `pid` and has finished loading its data. */
async function answersAs(port: number, pid: number): Promise<boolean> {
  const info = await probeRedis(`redis://127.0.0.1:${port}`, (redis) => redis.info(), 500);
  return info.ok && info.value.includes(`process_id:${pid}\r\n`) && info.value.includes('loading:0\r\n');
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function terminate(child: ChildProcess, signal: StopSignal): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), SIGTERM_GRACE_MS);
  });
  if ((await Promise.race([exited, grace])) === 'late') child.kill('SIGKILL');
  clearTimeout(timer);
  await exited;
}

async function logTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const lines = text.trim().split('\n').slice(-5);
  return lines.length && lines[0] ? `:\n${lines.join('\n')}` : '';
}

// Kill servers a test forgot to stop when this process exits, so none outlive it.
const live = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  if (live.size === 0) process.once('exit', killLive);
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    if (live.size === 0) process.off('exit', killLive);
  });
}
function killLive(): void {
  for (const child of live) child.kill('SIGKILL');
}
