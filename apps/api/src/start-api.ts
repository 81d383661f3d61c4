import { ConfigError, createLogger, type Logger } from '@reelay/core';
import { createProducer } from '@reelay/producer';
import { type ApiConfig, authProblems } from './api-config.ts';
import { type ApiServer, createApiServer } from './server.ts';

export type RunningApi = {
  app: ApiServer;
  /** `http://host:port` it listens on (the real port when API_PORT is 0). */
  url: string;
  /** Ends open event streams, stops listening, closes the Redis connections. */
  close(): Promise<void>;
};

/** Starts the API from a loaded configuration: a producer, the server, listening on HOST:API_PORT. */
export async function startApi(config: ApiConfig, opts: { logger?: Logger } = {}): Promise<RunningApi> {
  // Checked again here: a hand-built config must not slip past the loopback rule either.
  const problems = authProblems(config.api);
  if (problems.length) throw new ConfigError(problems);
  const logger = opts.logger ?? createLogger({ level: config.logLevel, name: 'reelay-api' });
  const producer = createProducer({
    redisUrl: config.redisUrl,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    prefix: config.prefix,
    allowPrivateNetworks: config.webhook.allowPrivateNetworks,
    idempotencyTtlS: config.idempotencyTtlS,
    recordRetentionS: config.recordRetentionS,
    retry: config.retry,
    pricesUsdPerSecond: config.pricesUsdPerSecond,
    ...(config.webhook.defaultUrl ? { webhookDefaultUrl: config.webhook.defaultUrl } : {}),
  });
  const app = createApiServer({
    producer,
    tokens: config.api.tokens,
    allowNoAuth: config.api.allowNoAuth,
    bodyLimitBytes: config.api.bodyLimitBytes,
    maxStreams: config.api.maxStreams,
    maxStreamsPerToken: config.api.maxStreamsPerToken,
    logger,
  });
  let url: string;
  try {
    url = await app.listen({ host: config.api.host, port: config.api.port });
  } catch (e) {
    await app.close().catch(() => {});
    await producer.close().catch(() => {});
    throw e;
  }
  return {
    app,
    url,
    async close() {
      await app.close();
      await producer.close();
    },
  };
}
