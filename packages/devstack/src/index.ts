export { deletePrefix } from './delete-prefix.ts';
export { type EnsuredRedis, type EnsureRedisOptions, ensureRedis } from './ensure-redis.ts';
export { freePort } from './free-port.ts';
export { type LocalS3, type StartS3Options, startS3 } from './local-s3.ts';
export {
  REDIS_NOT_INSTALLED,
  type RedisServerProcess,
  type StartRedisServerOptions,
  type StopSignal,
  startRedisServer,
} from './redis-server.ts';
export {
  type Delivery,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './webhook-receiver.ts';
