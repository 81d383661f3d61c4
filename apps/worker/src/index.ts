export * from './build-event.ts';
export * from './deps.ts';
export { runWorkerProcess } from './main.ts';
export * from './runtime.ts';
export * from './stage-deps-factory.ts';
export * from './stage-error.ts';
export * from './stages/decide-poll.ts';
export * from './stages/decide-submit.ts';
export * from './worker-config.ts';
