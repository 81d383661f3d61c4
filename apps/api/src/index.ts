export {
  type ApiConfig,
  type ApiSettings,
  type ApiToken,
  authProblems,
  DEFAULT_BODY_LIMIT_BYTES,
  isLoopbackHost,
  loadApiConfig,
  OPERATOR_TENANT,
  parseApiEnv,
} from './api-config.ts';
export type { ApiProducer } from './api-deps.ts';
export { DEFAULT_BATCH_EVENTS_INTERVAL_MS } from './batch-events.ts';
export { DEFAULT_BATCH_BODY_LIMIT_BYTES } from './batch-routes.ts';
export { DEFAULT_HEARTBEAT_MS } from './events-route.ts';
export {
  API_VERSION,
  buildOpenApiDocument,
  CreateBatchBody,
  CreateBatchItem,
  CreateGenerationBody,
} from './openapi.ts';
export { PROBLEM_CONTENT_TYPE, PROBLEMS, type Problem, type ProblemKind, problemType } from './problem.ts';
export {
  BatchCreateResultSchema,
  BatchGenerationsPageSchema,
  BatchSchema,
  CancelResult,
  CreateGenerationResult,
  GenerationStatusSchema,
  ProblemSchema,
  StateEventSchema,
  TenantSchema,
} from './response-schemas.ts';
export { runApiProcess } from './run-api-process.ts';
export { type ApiServer, type ApiServerOptions, createApiServer } from './server.ts';
export { type RunningApi, startApi } from './start-api.ts';
export { createStateHub, type StateHub, type StateListener } from './state-hub.ts';
export type { StateEvent } from './state-sequence.ts';
