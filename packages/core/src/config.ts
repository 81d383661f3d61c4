import { DEFAULT_PRICES, parsePrices } from '@reelay/contracts';
import { z } from 'zod';
import { DEFAULT_POLL_SCHEDULE } from './poll-schedule.ts';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './redis.ts';

/** Thrown when the environment is wrong; lists every bad variable so one restart fixes all. */
export class ConfigError extends Error {
  readonly code = 'REELAY_CONFIG_INVALID';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(def);
const num = (def: number, min: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .min(min, { error: `must be at least ${min}` })
    .default(def);
const optional = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const url = (def?: string) =>
  z
    .string()
    .default(def ?? '')
    .refine((v) => v === '' || URL.canParse(v), { error: 'must be an absolute URL' })
    .transform((v) => (v === '' ? undefined : v));

/**
 * The default cap of one result video: 2 GiB. Outputs are 2–15 s clips at up to 1080P, tens of
 * MB even at a generous bitrate; 2 GiB is far above any real one, yet bounds what a runaway or
 * hostile body can cost in bandwidth and S3 before the sink stops reading.
 */
export const DEFAULT_MAX_VIDEO_BYTES = 2 * 1024 ** 3;

/**
 * Every environment variable Reelay reads, with its default. Parsed once at start-up; the
 * result is passed down, and nothing else reads process.env: every variable is checked in one place
 * (one message names every wrong one) and tests pass a config instead of patching the environment.
 */
export const EnvSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), { error: 'must start with redis:// or rediss://' }),
  REDIS_ALLOW_EVICTION: bool(false),
  // Producer-side (API, SDK, CLI) commands only; the workers' blocking connections wait out outages.
  // No 0 ("no timeout"): a frozen Redis would hang every caller without bound.
  REDIS_COMMAND_TIMEOUT_MS: int(DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 50, 600_000),
  REELAY_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ - { }' })
    .default('reelay'),

  VTRIX_BASE_URL: url('https://cloud.vtrix.ai'),
  VTRIX_API_KEY: optional(),
  VTRIX_MODEL: z.string().min(1).default('wan27_i2v'),
  VTRIX_TIMEOUT_MS: int(15_000, 100),
  // The video URL comes from the upstream's reply, not from the operator: guarded like a webhook.
  UPSTREAM_ALLOW_PRIVATE_NETWORKS: bool(false),
  MAX_VIDEO_BYTES: int(DEFAULT_MAX_VIDEO_BYTES, 1),

  S3_BUCKET: optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: url(),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_KEY_PREFIX: z.string().default('generations/'),
  S3_PART_SIZE_MB: int(8, 5, 512),
  // No 0 ("no timeout"): an S3 connection that hangs would hold a sink job for ever.
  S3_CONNECT_TIMEOUT_MS: int(5_000, 100, 600_000),
  S3_SOCKET_TIMEOUT_MS: int(60_000, 100, 3_600_000),

  WEBHOOK_SIGNING_SECRET: optional(),
  WEBHOOK_DEFAULT_URL: url(),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool(false),
  WEBHOOK_RETRY_SCHEDULE: optional(),
  WEBHOOK_PRESIGN_TTL_S: int(0, 0, 604_800),

  POLL_INITIAL_DELAY_MS: int(DEFAULT_POLL_SCHEDULE.initialDelayMs, 10),
  POLL_MAX_DELAY_MS: int(DEFAULT_POLL_SCHEDULE.maxDelayMs, 10),
  POLL_INTERVAL_RATIO: num(DEFAULT_POLL_SCHEDULE.ratio, 0.001),
  POLL_SLACK_MS: int(DEFAULT_POLL_SCHEDULE.slackMs, 0),
  POLL_DEADLINE_MS: int(DEFAULT_POLL_SCHEDULE.deadlineMs, 1_000),
  GENERATION_DEADLINE_MS: int(6 * 3_600_000, 1_000),
  SWEEP_INTERVAL_MS: int(30_000, 50),

  SUBMIT_RATE_PER_SEC: num(2, 0),
  // The poll budget across every worker (DashScope allows 20 task queries a second per account).
  // Below 2 a fixed-window limiter cannot keep every sliding second within it (stage-limiters.ts).
  POLL_RATE_PER_SEC: num(0, 0).refine((v) => v === 0 || v >= 2, {
    error: 'must be 0 (no budget) or at least 2',
  }),
  MAX_IN_FLIGHT: int(0, 0),
  GRANT_AHEAD: int(64, 1, 100_000),
  PRICE_USD_PER_SECOND: z
    .string()
    .default('720P:0.10,1080P:0.15')
    .transform((text, ctx) => {
      const { prices, problems } = parsePrices(text);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return prices ?? DEFAULT_PRICES;
    }),
  SUBMIT_CONCURRENCY: int(4, 1, 1000),
  POLL_CONCURRENCY: int(50, 1, 10_000),
  SINK_CONCURRENCY: int(4, 1, 1000),
  NOTIFY_CONCURRENCY: int(20, 1, 1000),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0),
  LOCK_DURATION_MS: int(30_000, 1_000),
  STALLED_INTERVAL_MS: int(30_000, 1_000),
  // How often one submission probes a paused upstream (account failure) to see if it works again.
  UPSTREAM_PAUSE_PROBE_MS: int(60_000, 100, 86_400_000),
  SUBMIT_UNCERTAIN: z.enum(['resubmit', 'fail'], { error: 'must be resubmit or fail' }).default('resubmit'),
  SUBMIT_ATTEMPTS: int(8, 1, 100),
  POLL_ATTEMPTS: int(5, 1, 100),
  SINK_ATTEMPTS: int(6, 1, 100),
  RETRY_BACKOFF_MS: int(2_000, 1),

  IDEMPOTENCY_TTL_S: int(86_400, 86_400),
  RECORD_RETENTION_S: int(7 * 86_400, 3_600),

  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  METRICS_PORT: int(9464, 0, 65_535),
  METRICS_HOST: z
    .string()
    .regex(/^[^\s/]+$/, { error: 'must be a host name or IP address, e.g. 127.0.0.1' })
    .default('0.0.0.0'),
});
export type Env = z.infer<typeof EnvSchema>;

export type ReelayConfig = ReturnType<typeof toConfig>;

function toConfig(e: Env) {
  return {
    redisUrl: e.REDIS_URL,
    redisAllowEviction: e.REDIS_ALLOW_EVICTION,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    prefix: e.REELAY_QUEUE_PREFIX,
    vtrix: {
      baseUrl: e.VTRIX_BASE_URL!,
      apiKey: e.VTRIX_API_KEY,
      model: e.VTRIX_MODEL,
      timeoutMs: e.VTRIX_TIMEOUT_MS,
    },
    /** The sink's download of the video URL the upstream returns. */
    video: {
      /** Let the video URL (and its redirects) reach private, loopback and link-local addresses. */
      allowPrivateNetworks: e.UPSTREAM_ALLOW_PRIVATE_NETWORKS,
      maxBytes: e.MAX_VIDEO_BYTES,
    },
    s3: {
      bucket: e.S3_BUCKET,
      region: e.S3_REGION,
      endpoint: e.S3_ENDPOINT,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      keyPrefix: e.S3_KEY_PREFIX,
      partSizeBytes: e.S3_PART_SIZE_MB * 1024 * 1024,
      /** Time allowed to open a connection to S3. */
      connectTimeoutMs: e.S3_CONNECT_TIMEOUT_MS,
      /** Time an S3 connection may stay idle (no byte sent or received) mid-request. */
      socketTimeoutMs: e.S3_SOCKET_TIMEOUT_MS,
    },
    webhook: {
      signingSecrets:
        e.WEBHOOK_SIGNING_SECRET?.split(',')
          .map((s) => s.trim())
          .filter(Boolean) ?? [],
      defaultUrl: e.WEBHOOK_DEFAULT_URL,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      /** Delays between delivery attempts, e.g. `5s,5m,30m`; the webhooks package's default when unset. */
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      /** When > 0, generation.succeeded carries a presigned GET URL valid this long. */
      presignTtlS: e.WEBHOOK_PRESIGN_TTL_S,
    },
    poll: {
      initialDelayMs: e.POLL_INITIAL_DELAY_MS,
      maxDelayMs: e.POLL_MAX_DELAY_MS,
      ratio: e.POLL_INTERVAL_RATIO,
      slackMs: e.POLL_SLACK_MS,
      deadlineMs: e.POLL_DEADLINE_MS,
    },
    /** Polls per second across every worker process (0 = no budget). */
    pollRatePerSec: e.POLL_RATE_PER_SEC,
    /** US dollars per second of video by resolution: the cost estimates budgets reserve. */
    pricesUsdPerSecond: e.PRICE_USD_PER_SECOND,
    submit: {
      ratePerSec: e.SUBMIT_RATE_PER_SEC,
      maxInFlight: e.MAX_IN_FLIGHT,
      /** The most generations granted a slot whose submit has not started (the tenant gate). */
      grantAhead: e.GRANT_AHEAD,
      uncertain: e.SUBMIT_UNCERTAIN,
      /** While the upstream is paused (an account failure), one submit probes it this often. */
      pauseProbeMs: e.UPSTREAM_PAUSE_PROBE_MS,
    },
    concurrency: {
      submit: e.SUBMIT_CONCURRENCY,
      poll: e.POLL_CONCURRENCY,
      sink: e.SINK_CONCURRENCY,
      notify: e.NOTIFY_CONCURRENCY,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    /** How long a job's lock lives without renewal, and how often stalled jobs are looked for. */
    stalled: { lockDurationMs: e.LOCK_DURATION_MS, checkIntervalMs: e.STALLED_INTERVAL_MS },
    generationDeadlineMs: e.GENERATION_DEADLINE_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    retry: {
      attempts: { submit: e.SUBMIT_ATTEMPTS, poll: e.POLL_ATTEMPTS, sink: e.SINK_ATTEMPTS },
      backoffMs: e.RETRY_BACKOFF_MS,
    },
    idempotencyTtlS: e.IDEMPOTENCY_TTL_S,
    recordRetentionS: e.RECORD_RETENTION_S,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    /** 0.0.0.0 lets a Prometheus elsewhere scrape; 127.0.0.1 keeps the endpoints on the host. */
    metricsHost: e.METRICS_HOST,
  };
}

/** A rule on the parsed configuration; each problem starts with the variable it names. */
export type ConfigCheck = (config: ReelayConfig) => string[];

/**
 * Reads the configuration from an environment. Apps add what core does not know: `extraChecks`
 * (rules on the parsed config, e.g. the webhook secret format) and `ownProblems` (their own
 * variables, parsed apart). Every problem, core's and theirs, comes out in one ConfigError, also
 * when the schema refuses some variables: the checks still run, so one restart fixes all.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  extraChecks: ReadonlyArray<ConfigCheck> = [],
  ownProblems: readonly string[] = [],
): ReelayConfig {
  const { config, problems, refused } = parseEnv(env);
  if (!refused.has('POLL_INITIAL_DELAY_MS') && !refused.has('POLL_MAX_DELAY_MS'))
    if (config.poll.maxDelayMs < config.poll.initialDelayMs)
      problems.push('POLL_MAX_DELAY_MS: must be at least POLL_INITIAL_DELAY_MS');
  // A check sees a refused variable at its default; what it says of that variable is noise.
  for (const check of extraChecks)
    problems.push(...check(config).filter((p) => !refused.has(p.slice(0, p.indexOf(':')))));
  problems.push(...ownProblems);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * The schema's problems, and a configuration to run the other checks on: each variable the
 * schema refused is read as unset, i.e. at its default, which the schema always accepts.
 */
function parseEnv(env: Record<string, string | undefined>): {
  config: ReelayConfig;
  problems: string[];
  refused: ReadonlySet<string>;
} {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return { config: toConfig(parsed.data), problems: [], refused: new Set() };
  const refused = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !refused.has(name)));
  return {
    config: toConfig(EnvSchema.parse(rest)),
    problems: parsed.error.issues.map((i) => `${String(i.path[0] ?? '')}: ${i.message}`),
    refused,
  };
}

/** Checks that a worker has what it needs to run every stage. */
export function workerRequirements(config: ReelayConfig): string[] {
  const problems: string[] = [];
  if (!config.s3.bucket) problems.push('S3_BUCKET: is required to run the sink stage');
  if (!config.vtrix.apiKey && !isLoopback(config.vtrix.baseUrl))
    problems.push('VTRIX_API_KEY: is required unless VTRIX_BASE_URL points at a local simulator');
  return problems;
}

function isLoopback(u: string): boolean {
  const host = new URL(u).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/**
 * The webhooks package's target check (`checkWebhookUrl`), passed in: core sits beside
 * `@reelay/webhooks` in the layers, not above it.
 */
export type WebhookUrlRule = (
  url: string,
  opts: { allowPrivateNetworks: boolean },
) => { ok: true } | { ok: false; message: string };

/**
 * WEBHOOK_DEFAULT_URL must pass the SSRF check every webhook target passes at enqueue: it is
 * stored on each generation that names no webhook, so a bad one would be stored thousands of times.
 */
export function webhookDefaultUrlCheck(rule: WebhookUrlRule): ConfigCheck {
  return (config) => {
    const { defaultUrl, allowPrivateNetworks } = config.webhook;
    if (!defaultUrl) return [];
    const verdict = rule(defaultUrl, { allowPrivateNetworks });
    if (verdict.ok) return [];
    const hint = allowPrivateNetworks
      ? ''
      : ' (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows http, loopback and private targets, for development only)';
    return [`WEBHOOK_DEFAULT_URL: ${verdict.message}${hint}`];
  };
}
