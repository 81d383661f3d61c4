import { closeOnSignals, createLogger, loadOrExit } from '@reelay/core';
import { type ApiConfig, loadApiConfig } from './api-config.ts';
import { type RunningApi, startApi } from './start-api.ts';

/**
 * `reelay api`: the HTTP API until SIGTERM/SIGINT, then ends open event streams, closes and
 * exits 0. A bad environment exits 1 naming every bad variable.
 */
export async function runApiProcess(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config: ApiConfig = loadOrExit('api', () => loadApiConfig(env));
  const log = createLogger({ level: config.logLevel, name: 'reelay-api' });
  let running: RunningApi;
  try {
    running = await startApi(config, { logger: log });
  } catch (err) {
    log.fatal({ err }, 'api failed to start');
    process.exit(1);
  }
  // The count of tokens, never a token.
  log.info({ url: running.url, tokens: config.api.tokens.length }, 'api listening');
  if (!config.api.tokens.length) log.warn('API_ALLOW_NO_AUTH: serving without authentication');

  closeOnSignals(log, () => running.close());
}
