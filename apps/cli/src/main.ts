/**
 * `reelay <command>`: the one entry point for people. It composes the other apps (worker,
 * simulator) through their public exports; nothing imports the CLI.
 */

const USAGE = `usage: reelay <command> [options]

commands:
  demo                 the whole pipeline on an embedded default (simulator, s3rver, webhook
                       receiver; Redis from REDIS_URL or started locally), ending with a check table
  worker               run every stage until SIGTERM/SIGINT
  dashboard            bull-board for operators, with a find-a-generation page, on DASHBOARD_PORT
  api                  the HTTP API (POST/GET/DELETE /v1/generations, SSE, /openapi.json) on API_PORT
  simulator            run the Vtrix-compatible upstream (SIM_* variables)
  enqueue [file]       enqueue a generation request read from a JSON file or stdin; prints {"id": …}
  status <id>          print a generation's status record as JSON
  tenant list          print every tenant: weight, cap, paused, queued, in flight, spend
  tenant show|set <n>  print a tenant, or change its weight, cap, budget or pause (tenant --help)

Configuration comes from environment variables: see README.md or .env.example.`;

type Command = (args: string[]) => Promise<number>;
// Loaded on demand: `reelay status` need not load the S3 SDK, and starts at once.
const commands: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./commands/demo.ts')).runDemo,
  worker: async () => (await import('./commands/worker.ts')).runWorker,
  api: async () => (await import('./commands/api.ts')).runApi,
  dashboard: async () => (await import('./commands/dashboard.ts')).runDashboard,
  simulator: async () => (await import('./commands/simulator.ts')).runSimulator,
  enqueue: async () => (await import('./commands/enqueue.ts')).runEnqueue,
  status: async () => (await import('./commands/status.ts')).runStatus,
  tenant: async () => (await import('./commands/tenant.ts')).runTenant,
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  process.stderr.write(
    `${name && name !== 'help' && name !== '--help' ? `reelay: unknown command '${name}'\n\n` : ''}${USAGE}\n`,
  );
  process.exit(name === 'help' || name === '--help' ? 0 : 2);
}
const code = await (await load())(rest);
if (code !== -1) process.exit(code);
