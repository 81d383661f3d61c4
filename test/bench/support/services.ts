/**
 * The services one benchmark run talks to, all on loopback and all owned by the run: its own
 * redis-server (clean command counts and memory), the simulator, s3rver and the counting
 * receiver, in this process. The system under test runs in child processes (see workers.ts), so
 * it has its own event loop and its CPU, RSS and event-loop delay can be read apart.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type LocalS3, type RedisServerProcess, startRedisServer, startS3 } from '@reelay/devstack';
import { Redis } from 'ioredis';
import { createSimulator, type Simulator, type SimulatorOptions } from 'simulator';
import { type BenchReceiver, startBenchReceiver } from './receiver.ts';

export const BUCKET = 'reelay-bench';

export type BenchServices = {
  prefix: string;
  apiKey: string;
  secret: string;
  redis: RedisServerProcess;
  /** The benchmark's own connection, for INFO, CONFIG RESETSTAT and queue counts. */
  observer: Redis;
  sim: Simulator;
  s3: LocalS3;
  receiver: BenchReceiver;
  close(): Promise<void>;
};

export async function startServices(sim: SimulatorOptions = {}): Promise<BenchServices> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const apiKey = `sk-bench-${randomUUID()}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const redis = await startRedisServer();
    stops.push(() => redis.stop('SIGKILL'));
    const observer = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    stops.push(async () => observer.disconnect());
    const simulator = await createSimulator({ seed: 11, apiKey, ...sim });
    stops.push(() => simulator.close());
    const s3 = await startS3({ buckets: [BUCKET] });
    stops.push(() => s3.stop());
    const receiver = await startBenchReceiver();
    stops.push(() => receiver.stop());
    return {
      prefix,
      apiKey,
      secret,
      redis,
      observer,
      sim: simulator,
      s3,
      receiver,
      close: () => stopAll(stops),
    };
  } catch (e) {
    await stopAll(stops);
    throw e;
  }
}

async function stopAll(stops: Array<() => Promise<unknown>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
