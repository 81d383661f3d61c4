/**
 * How the dashboard authenticates operators, decided once from the configuration. Pure: the
 * process turns a refusal into a configuration error and `none` into a warning.
 */
export type DashboardAuth =
  | { kind: 'basic'; user: string; password: string }
  /** A reverse proxy in front authenticates every request; the dashboard lets all through. */
  | { kind: 'trusted-proxy' }
  /** Nobody authenticates: only allowed while bound to loopback. */
  | { kind: 'none' };

export type AuthSettings = {
  user: string | undefined;
  password: string | undefined;
  trustProxyAuth: boolean;
  host: string;
};

export type AuthDecision = { ok: true; auth: DashboardAuth } | { ok: false; problems: string[] };

export function decideAuth(s: AuthSettings): AuthDecision {
  const problems: string[] = [];
  if (s.user !== undefined && s.password === undefined)
    problems.push('DASHBOARD_PASSWORD: is required when DASHBOARD_USER is set');
  if (s.password !== undefined && s.user === undefined)
    problems.push('DASHBOARD_USER: is required when DASHBOARD_PASSWORD is set');
  // RFC 7617: the user-id cannot contain a colon, or the header could not be split back.
  if (s.user?.includes(':')) problems.push('DASHBOARD_USER: must not contain ":"');
  const basic = s.user !== undefined || s.password !== undefined;
  if (basic && s.trustProxyAuth)
    problems.push(
      'DASHBOARD_TRUST_PROXY_AUTH: set either DASHBOARD_USER/DASHBOARD_PASSWORD or DASHBOARD_TRUST_PROXY_AUTH=true, not both',
    );
  if (!basic && !s.trustProxyAuth && !isLoopbackHost(s.host))
    problems.push(
      `DASHBOARD_USER: DASHBOARD_USER and DASHBOARD_PASSWORD (or DASHBOARD_TRUST_PROXY_AUTH=true) are required when HOST (${s.host}) is not a loopback address`,
    );
  if (problems.length) return { ok: false, problems };
  if (s.user !== undefined && s.password !== undefined)
    return { ok: true, auth: { kind: 'basic', user: s.user, password: s.password } };
  return { ok: true, auth: s.trustProxyAuth ? { kind: 'trusted-proxy' } : { kind: 'none' } };
}

/** Only these reach the listener from this machine alone; `0.0.0.0` and `::` listen everywhere. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(h);
}
