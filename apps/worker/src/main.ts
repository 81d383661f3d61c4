import {
  closeOnSignals,
  createLogger,
  createRedis,
  judgeRedis,
  loadOrExit,
  readRedisFacts,
} from '@reelay/core';
import { startWorker } from './runtime.ts';
import { loadWorkerConfig } from './worker-config.ts';

/** `reelay worker`: runs every stage until SIGTERM/SIGINT, then shuts down within SHUTDOWN_TIMEOUT_MS. */
export async function runWorkerProcess(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = loadOrExit('worker', () => loadWorkerConfig(env));
  const log = createLogger({ level: config.logLevel, name: 'reelay-worker' });
  if (!config.webhook.signingSecrets.length)
    log.warn('WEBHOOK_SIGNING_SECRET is not set: webhooks cannot be sent');
  const probe = createRedis(config.redisUrl, 'producer', { lazyConnect: true }, log);
  try {
    const verdict = judgeRedis(await readRedisFacts(probe), config.redisAllowEviction);
    for (const w of verdict.warnings) log.warn(w);
    if (verdict.errors.length) {
      for (const e of verdict.errors) log.fatal(e);
      process.exit(1);
    }
  } finally {
    probe.disconnect();
  }
  const running = startWorker(config, log);
  closeOnSignals(log, () => running.close());
}

if (import.meta.main) await runWorkerProcess();
