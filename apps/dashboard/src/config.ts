import { ConfigError, loadConfig, type ReelayConfig, webhookDefaultUrlCheck } from '@reelay/core';
import { checkWebhookUrl } from '@reelay/webhooks';
import { type DashboardAuth, decideAuth } from './auth-mode.ts';

type Env = Record<string, string | undefined>;

/** What `reelay dashboard` runs with: core's configuration plus the dashboard's own variables. */
export type DashboardConfig = {
  reelay: ReelayConfig;
  /** HOST. @defaultValue `127.0.0.1` */
  host: string;
  /** DASHBOARD_PORT. @defaultValue 3000 */
  port: number;
  auth: DashboardAuth;
};

export type DashboardSettings = Omit<DashboardConfig, 'reelay'>;

/**
 * The dashboard's variables (HOST, DASHBOARD_PORT, DASHBOARD_USER, DASHBOARD_PASSWORD,
 * DASHBOARD_TRUST_PROXY_AUTH). Five scalars, parsed by hand: zod is not a dependency of this
 * app. Every problem is collected, none stops the others from being reported.
 */
export function parseDashboardEnv(
  env: Env,
): { ok: true; settings: DashboardSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const host = optional(env.HOST) ?? '127.0.0.1';
  if (/\s/.test(host)) problems.push('HOST: must be a host name or address without spaces');
  const port = parsePort(env.DASHBOARD_PORT, 3000);
  if (port === undefined) problems.push('DASHBOARD_PORT: must be an integer from 0 to 65535');
  const trust = parseBool(env.DASHBOARD_TRUST_PROXY_AUTH, false);
  if (trust === undefined) problems.push('DASHBOARD_TRUST_PROXY_AUTH: must be true or false');
  const decision = decideAuth({
    user: optional(env.DASHBOARD_USER),
    password: optional(env.DASHBOARD_PASSWORD),
    trustProxyAuth: trust ?? false,
    host,
  });
  if (!decision.ok) problems.push(...decision.problems);
  if (problems.length || !decision.ok || port === undefined) return { ok: false, problems };
  return { ok: true, settings: { host, port, auth: decision.auth } };
}

/** Reads the whole configuration; one ConfigError names every bad variable, core's and ours. */
export function loadDashboardConfig(env: Env = process.env): DashboardConfig {
  const own = parseDashboardEnv(env);
  // Its producer adds no generation, but WEBHOOK_DEFAULT_URL is shared: one rule in every process.
  const reelay = loadConfig(env, [webhookDefaultUrlCheck(checkWebhookUrl)], own.ok ? [] : own.problems);
  if (!own.ok) throw new ConfigError(own.problems);
  return { reelay, ...own.settings };
}

function optional(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function parsePort(v: string | undefined, def: number): number | undefined {
  if (optional(v) === undefined) return def;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65_535 ? n : undefined;
}

/** The same spellings core accepts for its booleans. */
function parseBool(v: string | undefined, def: boolean): boolean | undefined {
  const s = optional(v)?.trim().toLowerCase();
  if (s === undefined) return def;
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  return undefined;
}
