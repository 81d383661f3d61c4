import type { AddressInfo } from 'node:net';
import { closeOnSignals, createLogger, loadOrExit } from '@reelay/core';
import { createProducer } from '@reelay/producer';
import { type DashboardConfig, loadDashboardConfig } from './config.ts';
import { createDashboard } from './dashboard.ts';

/**
 * `reelay dashboard`: serves the dashboard on HOST:DASHBOARD_PORT until SIGTERM/SIGINT, then
 * closes the listener and Redis and exits 0. Refuses to start (exit 1) on a bad configuration,
 * including no authentication on a non-loopback address.
 */
export async function runDashboardProcess(
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const config: DashboardConfig = loadOrExit('dashboard', () => loadDashboardConfig(env));
  const log = createLogger({ level: config.reelay.logLevel, name: 'reelay-dashboard' });
  if (config.auth.kind === 'none')
    log.warn(
      { host: config.host },
      'DASHBOARD_USER/DASHBOARD_PASSWORD are not set: anyone who can reach this loopback address can use the dashboard and retry jobs',
    );
  if (config.auth.kind === 'trusted-proxy')
    log.info('DASHBOARD_TRUST_PROXY_AUTH=true: the proxy in front authenticates every request');

  const r = config.reelay;
  const producer = createProducer({
    redisUrl: r.redisUrl,
    commandTimeoutMs: r.redisCommandTimeoutMs,
    prefix: r.prefix,
    idempotencyTtlS: r.idempotencyTtlS,
    recordRetentionS: r.recordRetentionS,
    // Jobs duplicated or added from the board get the configured attempts and backoff.
    retry: r.retry,
  });
  const app = createDashboard({
    producer,
    auth: config.auth,
    logger: log,
    redisTimeoutMs: r.redisCommandTimeoutMs,
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    log.error({ err, host: config.host, port: config.port }, 'dashboard could not listen');
    await producer.close().catch(() => {});
    process.exit(1);
  }
  const { address, port } = app.server.address() as AddressInfo;
  log.info(
    { url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/` },
    'dashboard listening',
  );

  closeOnSignals(log, async () => {
    await app.close();
    await producer.close();
  });
}

if (import.meta.main) await runDashboardProcess();
