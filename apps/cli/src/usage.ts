import { BATCH_HELP } from './batch/batch-args.ts';
import { UPSTREAM_HELP } from './commands/upstream.ts';
import { TENANT_HELP } from './tenant/tenant-args.ts';

/** What `reelay --help` prints. */
export const USAGE = `usage: reelay <command> [options]
       reelay <command> --help    a command's usage, without running it
       reelay --version

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
  batch create <file>  enqueue a batch from a JSON Lines file (one item a line); prints its id
  batch status|cancel <id>
                       print a batch's counts, cost and results file (--watch: a live progress
                       bar on a terminal), or cancel it (batch --help)
  upstream status|pause|resume
                       the upstream pause: account failures pause submission (upstream --help)

Configuration comes from environment variables: see README.md or .env.example.`;

const CONFIG =
  'Configuration comes from environment variables: see README.md ("Configuration") or .env.example.';

export const DEMO_HELP = `usage: reelay demo [--rounds N] [--timeout SECONDS]
Runs the whole pipeline on an embedded default and checks every generation.
--rounds N      enqueue the six media modes N times (default 1)
--timeout S     give up after S seconds (default 300)`;

export const ENQUEUE_HELP = `usage: reelay enqueue [file] [--idempotency-key K] [--webhook-url URL] [--metadata key=value ...] [--priority N]
Reads the generation request (the object Vtrix calls input[0].params) from the file, or stdin.`;

/** Each command's usage, printed by `reelay <command> --help` before anything is loaded or started. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  demo: DEMO_HELP,
  worker: `usage: reelay worker
Runs every stage (submit, poll, sink, notify) until SIGTERM/SIGINT, then stops taking jobs
and lets in-flight ones finish within SHUTDOWN_TIMEOUT_MS. Run as many as you like on one Redis.
Needs S3_BUCKET and VTRIX_API_KEY (unless VTRIX_BASE_URL is a local simulator), and
WEBHOOK_SIGNING_SECRET to send webhooks; serves /metrics, /healthz, /readyz on METRICS_PORT.
${CONFIG}`,
  dashboard: `usage: reelay dashboard
Serves bull-board over the stage queues, a find-a-generation page, the tenants and the batches on
HOST:DASHBOARD_PORT (127.0.0.1:3000) until SIGTERM/SIGINT. Needs DASHBOARD_USER and
DASHBOARD_PASSWORD unless bound to loopback or DASHBOARD_TRUST_PROXY_AUTH=true.
${CONFIG}`,
  api: `usage: reelay api
Serves the HTTP API (POST/GET/DELETE /v1/generations, SSE events, /openapi.json) on
HOST:API_PORT (127.0.0.1:8080) until SIGTERM/SIGINT. Needs API_TOKENS (comma-separated;
token:tenant binds one to a tenant, token:* is an operator's) unless API_ALLOW_NO_AUTH=true
on loopback.
${CONFIG}`,
  simulator: `usage: reelay simulator
Runs the Vtrix-compatible upstream on SIM_HOST:SIM_PORT (127.0.0.1:4010) until SIGTERM/SIGINT.
SIM_* variables set its behaviour (README.md); GET/POST /_sim/config changes it while it runs.`,
  enqueue: ENQUEUE_HELP,
  status: `usage: reelay status <generation id | idempotency key>
Prints the generation's status record as JSON; exits 1 when there is none.
${CONFIG}`,
  tenant: TENANT_HELP,
  batch: BATCH_HELP,
  upstream: UPSTREAM_HELP,
};

/** Commands that take no arguments: anything given them is a mistake, not an option to ignore. */
export const NO_ARGUMENTS: ReadonlySet<string> = new Set(['worker', 'dashboard', 'api', 'simulator']);
