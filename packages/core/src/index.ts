export * from './config.ts';
export * from './logger.ts';
export * from './redact.ts';
export * from './redis.ts';
export * from './record-codec.ts';
export * from './status-store.ts';
export * from './topology.ts';
