/** A command: resolves to its exit code, or -1 when it runs until a signal (main must not exit). */
export type Command = (args: string[]) => Promise<number>;

// Loaded on demand: `reelay status` need not load the S3 SDK, and starts at once.
export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  demo: async () => (await import('./commands/demo.ts')).runDemo,
  worker: async () => (await import('./commands/worker.ts')).runWorker,
  api: async () => (await import('./commands/api.ts')).runApi,
  dashboard: async () => (await import('./commands/dashboard.ts')).runDashboard,
  simulator: async () => (await import('./commands/simulator.ts')).runSimulator,
  enqueue: async () => (await import('./commands/enqueue.ts')).runEnqueue,
  status: async () => (await import('./commands/status.ts')).runStatus,
  tenant: async () => (await import('./commands/tenant.ts')).runTenant,
  batch: async () => (await import('./commands/batch.ts')).runBatch,
  upstream: async () => (await import('./commands/upstream.ts')).runUpstream,
};
