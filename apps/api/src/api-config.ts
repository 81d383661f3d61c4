import { DEFAULT_TENANT, TenantName } from '@reelay/contracts';
import { ConfigError, loadConfig, type ReelayConfig, webhookDefaultUrlCheck } from '@reelay/core';
import { checkWebhookUrl } from '@reelay/webhooks';
import { z } from 'zod';

/** @defaultValue 1 MiB: room for a request with small inline images; larger ones belong at a URL. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
/** See events-route.ts for why these defaults. */
export const DEFAULT_MAX_STREAMS = 1000;
export const DEFAULT_MAX_STREAMS_PER_TOKEN = 100;
const MAX_STREAMS_CEILING = 100_000;

/** The tenant of an operator token: any tenant, and the tenant routes. */
export const OPERATOR_TENANT = '*';

/**
 * A bearer token and whose it is: a tenant's name (the token enqueues into that tenant and sees
 * only its generations) or {@link OPERATOR_TENANT} (every tenant, and `/v1/tenants`).
 */
export type ApiToken = { token: string; tenant: string };

/** The API's own settings, beside core's ReelayConfig. */
export type ApiSettings = {
  /** HOST: interface to bind. @defaultValue `127.0.0.1` */
  host: string;
  /** API_PORT (0 picks a free port). @defaultValue 8080 */
  port: number;
  /**
   * API_TOKENS: accepted bearer tokens, comma-separated (several allow rotation). `token:acme`
   * binds a token to tenant `acme`, `token:*` makes it an operator's; a bare token is `default`'s.
   */
  tokens: ApiToken[];
  /** API_BODY_LIMIT_BYTES. @defaultValue 1048576 */
  bodyLimitBytes: number;
  /** API_ALLOW_NO_AUTH: run without tokens, only when bound to loopback. @defaultValue false */
  allowNoAuth: boolean;
  /** API_MAX_STREAMS: open events streams per process (1-100000). @defaultValue 1000 */
  maxStreams: number;
  /** API_MAX_STREAMS_PER_TOKEN: open events streams per token (at most API_MAX_STREAMS). @defaultValue 100 */
  maxStreamsPerToken: number;
};
export type ApiConfig = ReelayConfig & { api: ApiSettings };

const ApiEnvFields = {
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  API_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer from 0 to 65535' })
    .min(0, { error: 'must be an integer from 0 to 65535' })
    .max(65_535, { error: 'must be an integer from 0 to 65535' })
    .default(8080),
  API_TOKENS: z.string().default(''),
  API_BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(1024, { error: 'must be at least 1024' })
    .max(MAX_BODY_LIMIT_BYTES, { error: `must be at most ${MAX_BODY_LIMIT_BYTES}` })
    .default(DEFAULT_BODY_LIMIT_BYTES),
  API_MAX_STREAMS: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer from 1 to 100000' })
    .min(1, { error: 'must be an integer from 1 to 100000' })
    .max(MAX_STREAMS_CEILING, { error: 'must be an integer from 1 to 100000' })
    .default(DEFAULT_MAX_STREAMS),
  API_MAX_STREAMS_PER_TOKEN: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer from 1 to 100000' })
    .min(1, { error: 'must be an integer from 1 to 100000' })
    .max(MAX_STREAMS_CEILING, { error: 'must be an integer from 1 to 100000' })
    .default(DEFAULT_MAX_STREAMS_PER_TOKEN),
  API_ALLOW_NO_AUTH: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
};

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Tokens from API_TOKENS, each `token`, `token:tenant` or `token:*` (split at the last `:`, so a
 * token may hold colons of its own). Problems name a token by position, never by value.
 */
export function parseTokens(raw: string): { tokens: ApiToken[]; problems: string[] } {
  const entries = raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const tokens: ApiToken[] = [];
  const problems: string[] = [];
  const seen = new Map<string, { tenant: string; position: number }>();
  entries.forEach((entry, i) => {
    const position = i + 1;
    const colon = entry.lastIndexOf(':');
    const token = colon < 0 ? entry : entry.slice(0, colon);
    const tenant = colon < 0 ? DEFAULT_TENANT : entry.slice(colon + 1);
    const before = problems.length;
    if (!/^[\x21-\x7e]+$/.test(entry))
      problems.push(`API_TOKENS: token ${position} must be visible ASCII without spaces`);
    else if (!token) problems.push(`API_TOKENS: token ${position} has nothing before its ":tenant"`);
    if (tenant !== OPERATOR_TENANT && !TenantName.safeParse(tenant).success)
      problems.push(
        `API_TOKENS: token ${position}: the tenant after ":" must be "*" or 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"`,
      );
    const earlier = seen.get(token);
    if (earlier && earlier.tenant !== tenant)
      problems.push(`API_TOKENS: token ${position} repeats token ${earlier.position} with another tenant`);
    if (problems.length > before) return;
    if (!earlier) seen.set(token, { tenant, position });
    tokens.push({ token, tenant });
  });
  return { tokens, problems };
}

/** Refuses to serve without auth unless explicitly allowed, and then only on loopback. */
export function authProblems(api: {
  tokens: readonly unknown[];
  allowNoAuth: boolean;
  host: string;
}): string[] {
  if (api.tokens.length) return [];
  if (!api.allowNoAuth)
    return [
      'API_TOKENS: is required (comma-separated bearer tokens) unless API_ALLOW_NO_AUTH=true on loopback',
    ];
  if (!isLoopbackHost(api.host))
    return [`API_ALLOW_NO_AUTH: only allowed when HOST is a loopback address, not ${api.host}`];
  return [];
}

/** The API's settings from the environment, or every problem with them. Empty counts as unset. */
export function parseApiEnv(
  env: Record<string, string | undefined>,
): { ok: true; value: ApiSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  // Field by field, so one bad variable does not hide the checks of the others.
  const field = <K extends keyof typeof ApiEnvFields>(
    name: K,
  ): z.output<(typeof ApiEnvFields)[K]> | undefined => {
    const raw = env[name]?.trim() ? env[name] : undefined;
    const parsed = ApiEnvFields[name].safeParse(raw);
    if (parsed.success) return parsed.data as z.output<(typeof ApiEnvFields)[K]>;
    problems.push(...parsed.error.issues.map((i) => `${name}: ${i.message}`));
    return undefined;
  };
  const host = field('HOST');
  const port = field('API_PORT');
  const bodyLimitBytes = field('API_BODY_LIMIT_BYTES');
  const allowNoAuth = field('API_ALLOW_NO_AUTH');
  const maxStreams = field('API_MAX_STREAMS');
  const maxStreamsPerToken = field('API_MAX_STREAMS_PER_TOKEN');
  if (maxStreams !== undefined && maxStreamsPerToken !== undefined && maxStreamsPerToken > maxStreams)
    problems.push(`API_MAX_STREAMS_PER_TOKEN: must be at most API_MAX_STREAMS (${maxStreams})`);
  const parsedTokens = parseTokens(field('API_TOKENS') ?? '');
  problems.push(...parsedTokens.problems);
  const tokens = parsedTokens.tokens;
  if (host !== undefined && allowNoAuth !== undefined)
    problems.push(...authProblems({ tokens, allowNoAuth, host }));
  if (
    problems.length ||
    host === undefined ||
    port === undefined ||
    bodyLimitBytes === undefined ||
    maxStreams === undefined ||
    maxStreamsPerToken === undefined
  )
    return { ok: false, problems };
  return {
    ok: true,
    value: {
      host,
      port,
      tokens,
      bodyLimitBytes,
      allowNoAuth: allowNoAuth ?? false,
      maxStreams,
      maxStreamsPerToken,
    },
  };
}

/** Core's configuration plus the API's variables: one ConfigError names every bad variable of both. */
export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const api = parseApiEnv(env);
  const core = loadConfig(env, [webhookDefaultUrlCheck(checkWebhookUrl)], api.ok ? [] : api.problems);
  if (!api.ok) throw new ConfigError(api.problems);
  return { ...core, api: api.value };
}
