/**
 * Reads the standalone simulator's settings from `SIM_*` variables: SIM_PORT, SIM_HOST,
 * SIM_SEED and one variable per config switch, named after it (taskDurationMs →
 * SIM_TASK_DURATION_MS). Pure: takes the environment, returns settings or every bad variable.
 */
import { z } from 'zod';
import { applyConfigPatch, configKeys, defaultConfig, type SimulatorConfig } from './config.ts';

export interface SimulatorEnv {
  port: number;
  host: string;
  seed: number | undefined;
  config: SimulatorConfig;
}

export type EnvResult = { ok: true; value: SimulatorEnv } | { ok: false; errors: string[] };

export function envName(key: string): string {
  return `SIM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

const numberLike = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, 'must be a number')
  .transform(Number);
const booleanLike = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const Listen = z.object({
  SIM_PORT: numberLike.pipe(z.number().int().min(0).max(65535)).default(4010),
  SIM_HOST: z.string().min(1).default('127.0.0.1'),
  SIM_SEED: numberLike.pipe(z.number().int()).optional(),
});

/** How each switch is spelled as a string, keyed by the switch's default type. */
function coerce(key: keyof SimulatorConfig, raw: string): unknown {
  const sample = defaultConfig[key];
  if (typeof sample === 'number') return numberLike.safeParse(raw).data ?? raw;
  if (typeof sample === 'boolean') return booleanLike.safeParse(raw).data ?? raw;
  return raw;
}

export function parseSimulatorEnv(env: Record<string, string | undefined>): EnvResult {
  // An empty variable counts as unset, as in most shells' `VAR= cmd`.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const errors: string[] = [];
  const listen = Listen.safeParse(set);
  if (!listen.success) {
    for (const issue of listen.error.issues) errors.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const patch: Record<string, unknown> = {};
  for (const key of configKeys) {
    const raw = set[envName(key)];
    if (raw !== undefined) patch[key] = coerce(key, raw);
  }
  const config = applyConfigPatch(defaultConfig, patch);
  if (!config.ok) {
    for (const issue of config.issues) errors.push(`${envName(issue.field)}: ${issue.message}`);
  }
  if (errors.length > 0 || !listen.success || !config.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      port: listen.data.SIM_PORT,
      host: listen.data.SIM_HOST,
      seed: listen.data.SIM_SEED,
      config: config.config,
    },
  };
}
