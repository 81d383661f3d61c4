/**
 * Preloaded into every process the benchmark spawns (`node --import`): if the runner dies without
 * stopping them (kill -9), they end too instead of polling a Redis that is gone.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1_000).unref();
