/**
 * Preloaded into every worker the chaos runner spawns (`node --import`): if the runner dies
 * without stopping its workers (kill -9 of the runner itself), they end too instead of living
 * on against a Redis that is gone. Test harness only; the worker's own code is untouched.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1_000).unref();
