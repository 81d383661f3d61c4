import type { Logger } from 'pino';
import { ConfigError } from './config.ts';

/** Loads a process's configuration, or prints every problem and exits 1 (what each `reelay <command>` does). */
export function loadOrExit<T>(command: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`reelay ${command}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * On the first SIGTERM or SIGINT: log, run `close`, exit 0 (1 if closing failed). A second
 * signal of the same kind meets the default handler and ends the process at once, as
 * operators expect.
 */
export function closeOnSignals(log: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    // SIGTERM then SIGINT must not close twice.
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
