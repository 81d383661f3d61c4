/**
 * The sink baseline as its own process (so its peak RSS is its own): streams SINK_URL into
 * S3_ENDPOINT/BUCKET/KEY with a bare lib-storage Upload and prints
 * `{"ms", "idleRssBytes", "hwmBytes"}` on stdout.
 */
import { readProcMemory } from '../support/proc-stats.ts';
import { s3Client } from './aws.ts';
import { copyBare } from './copy.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const idle = await readProcMemory(process.pid);
const client = s3Client(env('S3_ENDPOINT'));
const t0 = performance.now();
await copyBare(env('SINK_URL'), client, env('BUCKET'), env('KEY'), Number(env('PART_SIZE')));
const ms = performance.now() - t0;
const mem = await readProcMemory(process.pid);
client.destroy();
process.stdout.write(`${JSON.stringify({ ms, idleRssBytes: idle?.rssBytes, hwmBytes: mem?.hwmBytes })}\n`);
