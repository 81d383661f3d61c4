import { runWorkerProcess } from 'worker';

/** Runs until a signal; -1 tells main not to exit. */
export async function runWorker(): Promise<number> {
  await runWorkerProcess(process.env);
  return -1;
}
