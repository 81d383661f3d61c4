export * from './auth-mode.ts';
export * from './basic-auth.ts';
export * from './config.ts';
export * from './dashboard.ts';
export * from './find-generation.ts';
export * from './job-links.ts';
export { runDashboardProcess } from './main.ts';
export * from './redaction.ts';
export type { UpstreamAdmin } from './upstream-routes.ts';
