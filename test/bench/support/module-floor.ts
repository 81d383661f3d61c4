/**
 * The memory floor of a worker process: loads the modules `reelay worker` loads (the CLI's worker
 * command and everything it imports) and nothing else — no Redis, no S3, no jobs — then prints
 * `{"rssBytes", "hwmBytes"}` on stdout. Run with the same Node flags as the worker it stands for.
 */
import { readProcMemory } from './proc-stats.ts';

await import('../../../apps/cli/src/commands/worker.ts');
// Let start-up work (compilation, the first GCs) settle, as a worker has before its first copy.
await new Promise((r) => setTimeout(r, 1_000));
const mem = await readProcMemory(process.pid);
process.stdout.write(`${JSON.stringify({ rssBytes: mem?.rssBytes, hwmBytes: mem?.hwmBytes })}\n`);
