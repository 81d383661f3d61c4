/**
 * The simulator's switches: one zod schema, its defaults, and validation of a patch against
 * the current config. Every switch can change at runtime (`configure`, `POST /_sim/config`).
 * Task-shaping switches (durations, fail/stuck rates, videoBytes) apply to tasks created
 * after the change; request-level switches (429s, 5xx, latency, variants, envelope, URLs)
 * apply to the next request.
 */
import { z } from 'zod';

const rate = z.number().min(0).max(1);
const nonNegativeInt = z.number().int().min(0);
const httpOrigin = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && new URL(v).origin === v, {
    error: 'must be an http(s) origin, e.g. http://127.0.0.1:4011',
  });

const fields = {
  /** Bearer key every API request must carry; undefined accepts any bearer. @defaultValue undefined */
  apiKey: z.string().min(1).optional(),
  /** How long a task runs, from create, on the injected clock; 0 = done on first poll. @defaultValue 3000 */
  taskDurationMs: nonNegativeInt,
  /** Each task runs taskDurationMs plus a uniform draw in [0, jitter). @defaultValue 0 */
  taskDurationJitterMs: nonNegativeInt,
  /** Fraction of tasks that end `failed`. @defaultValue 0 */
  failRate: rate,
  /** Fraction of tasks that never leave the running state. @defaultValue 0 */
  stuckRate: rate,
  /** Fraction of create/poll requests answered 429. @defaultValue 0 */
  rateLimitRate: rate,
  /** Retry-After value of a 429, in seconds. @defaultValue 1 */
  retryAfterS: nonNegativeInt,
  /** Retry-After as delta-seconds or as an HTTP date. @defaultValue 'seconds' */
  retryAfterForm: z.enum(['seconds', 'http-date']),
  /** Fraction of create/poll requests answered 500/502/503. @defaultValue 0 */
  serverErrorRate: rate,
  /** Delay before each API reply (the request's effect happens first). @defaultValue 0 */
  latencyMs: nonNegativeInt,
  /** Mix the status/type/duration/cost spellings docs/upstream/VTRIX.md lists. @defaultValue false */
  statusVariants: z.boolean(),
  /** Fraction of 200 replies wrapped in the old `{data, status}` envelope. @defaultValue 0 */
  envelopeRate: rate,
  /** Task data is forgotten this long after create (DashScope: 24 h): a poll answers 404; 0 = never. @defaultValue 0 */
  taskTtlMs: nonNegativeInt,
  /** Lifetime of a result URL. @defaultValue 3_600_000 */
  urlTtlMs: nonNegativeInt,
  /** The first URL minted for each task is already expired. @defaultValue false */
  expireFirstUrl: z.boolean(),
  /**
   * Result URLs point at this origin instead of the one the client used: Vtrix serves results
   * from a CDN host (cdn.vtrix.ai), not the API's. Lets a test aim the URL at another server,
   * e.g. one the sink must refuse. @defaultValue undefined
   */
  videoOrigin: httpOrigin.optional(),
  /**
   * Downloads announce their Content-Length; false streams them chunked without one, as a CDN
   * relaying from its origin may. @defaultValue true
   */
  videoContentLength: z.boolean(),
  /** Pad each task's video to this many bytes; 0 = natural size (~13 KB). @defaultValue 0 */
  videoBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /**
   * The account cannot create tasks: every create is refused as the upstream refuses an account
   * (`no_balance`: Vtrix's 403 "insufficient balance or permission"; `arrearage`: DashScope's
   * HTTP 400 `Arrearage`), while polls of tasks already made still answer. @defaultValue 'ok'
   */
  accountState: z.enum(['ok', 'no_balance', 'arrearage']),
  /** The next N creates get 400 InvalidParameter; counts down. @defaultValue 0 */
  rejectCreates: nonNegativeInt,
  /**
   * Fraction of creates that make (and bill) the task, then answer 5xx: a gateway lost the
   * reply. The client cannot tell it from a create that never happened: the double-billing
   * window. @defaultValue 0
   */
  lostCreateReplyRate: rate,
};

const checkRates = (c: { failRate?: number; stuckRate?: number }, ctx: z.RefinementCtx): void => {
  if ((c.failRate ?? 0) + (c.stuckRate ?? 0) > 1) {
    ctx.addIssue({ code: 'custom', path: ['stuckRate'], message: 'failRate + stuckRate must be at most 1' });
  }
};

export const SimulatorConfig = z.strictObject(fields).superRefine(checkRates);
export type SimulatorConfig = z.infer<typeof SimulatorConfig>;

/** The switches that can be unset: `null` in a patch clears them (JSON has no undefined). */
const CLEARABLE = new Set(['apiKey', 'videoOrigin']);

/** A patch: any subset of the fields; `apiKey: null` clears the key. */
export const SimulatorConfigPatch = z.strictObject({
  ...z.object(fields).partial().shape,
  apiKey: z.string().min(1).nullable().optional(),
  videoOrigin: httpOrigin.nullable().optional(),
});
export type SimulatorConfigPatch = z.infer<typeof SimulatorConfigPatch>;

export const defaultConfig: Readonly<SimulatorConfig> = Object.freeze({
  apiKey: undefined,
  taskDurationMs: 3000,
  taskDurationJitterMs: 0,
  failRate: 0,
  stuckRate: 0,
  rateLimitRate: 0,
  retryAfterS: 1,
  retryAfterForm: 'seconds',
  serverErrorRate: 0,
  latencyMs: 0,
  statusVariants: false,
  envelopeRate: 0,
  urlTtlMs: 3_600_000,
  expireFirstUrl: false,
  videoOrigin: undefined,
  videoContentLength: true,
  videoBytes: 0,
  accountState: 'ok',
  taskTtlMs: 0,
  rejectCreates: 0,
  lostCreateReplyRate: 0,
});

export const configKeys = Object.keys(fields) as (keyof SimulatorConfig)[];

export interface FieldIssue {
  field: string;
  message: string;
}

export type ConfigResult = { ok: true; config: SimulatorConfig } | { ok: false; issues: FieldIssue[] };

/** Flattens zod issues to one entry per field; unknown keys are named individually. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown setting' }))
      : [{ field: issue.path.join('.') || '(root)', message: issue.message }],
  );
}

/** Validates `patch` (unknown input) and merges it over `current`; nothing changes on error. */
export function applyConfigPatch(current: SimulatorConfig, patch: unknown): ConfigResult {
  const parsedPatch = SimulatorConfigPatch.safeParse(patch);
  if (!parsedPatch.success) return { ok: false, issues: toFieldIssues(parsedPatch.error) };
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(parsedPatch.data)) {
    // A key present with undefined/null means "unset" (only the CLEARABLE ones are optional).
    if (value === undefined || value === null) {
      if (CLEARABLE.has(key)) merged[key] = undefined;
    } else {
      merged[key] = value;
    }
  }
  const full = SimulatorConfig.safeParse(merged);
  return full.success ? { ok: true, config: full.data } : { ok: false, issues: toFieldIssues(full.error) };
}

/** One-line summary for thrown errors: `failRate: Too big…; foo: unknown setting`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}
