/**
 * Sends one webhook POST and reports what happened as a `DeliveryOutcome`; it never throws
 * for network or HTTP trouble. Safety properties, each tested:
 * - the URL is checked at every send (scheme, userinfo, IP literals, localhost);
 * - its own undici Agent, so proxy environment variables never apply;
 * - connections go through the guarded connector: only to addresses resolved once and
 *   checked, IP-literal hosts re-checked (Node skips lookup for those);
 * - no redirects followed, no decompression (`accept-encoding: identity`);
 * - one total deadline covers connect, slow headers and a trickling body;
 * - at most `maxResponseBytes` of the body are read, then the connection is dropped;
 * - request headers (they hold signatures) are never logged or returned.
 */
import { Agent } from 'undici';
import { classifyDeliveryError, statusError } from './delivery-error.ts';
import type { DeliveryOutcome } from './delivery-outcome.ts';
import { createGuardedConnector } from './guarded-connector.ts';
import type { ResolveHost } from './guarded-lookup.ts';
import { excerptOf, readCapped } from './response-excerpt.ts';
import { checkWebhookUrl } from './webhook-url.ts';

export interface WebhookSenderOptions {
  /** Development only: allow http and loopback/private targets. */
  allowPrivateNetworks: boolean;
  /** Total deadline of one attempt, connect to last body byte. @defaultValue 15_000 */
  timeoutMs?: number;
  /** @defaultValue 5_000 */
  connectTimeoutMs?: number;
  /** Bytes of response body read before the connection is dropped. @defaultValue 65_536 */
  maxResponseBytes?: number;
  /** Bytes of response body kept in `responseExcerpt`. @defaultValue 1_024 */
  maxExcerptBytes?: number;
  /** Hostname resolver; tests inject one. @defaultValue dns.lookup (all addresses) */
  resolve?: ResolveHost;
  /** @defaultValue 'Reelay-Webhooks/0.1' */
  userAgent?: string;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookSender {
  send(req: WebhookRequest): Promise<DeliveryOutcome>;
  /** Closes pooled connections; in-flight sends finish first. */
  close(): Promise<void>;
}

// Transport headers are ours to set; a caller's value could smuggle or confuse framing.
const DROPPED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'accept-encoding',
  'proxy-authorization',
  'proxy-connection',
]);

function requestHeaders(given: Record<string, string>, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase();
    if (!DROPPED_HEADERS.has(lower)) headers[lower] = value;
  }
  headers['user-agent'] = userAgent;
  headers['accept-encoding'] = 'identity';
  return headers;
}

/** Signature strings to scrub from an excerpt (receivers that echo headers back). */
function signaturesIn(headers: Record<string, string>): string[] {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'webhook-signature')?.[1];
  if (value === undefined) return [];
  return value.split(/\s+/).flatMap((entry) => [entry, entry.slice(entry.indexOf(',') + 1)]);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * undici only honours an abort once the request is on a connection; racing the signal
 * keeps the deadline exact while resolving or connecting. The request itself is then
 * aborted by undici as soon as it starts.
 */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function createWebhookSender(opts: WebhookSenderOptions): WebhookSender {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxResponseBytes = opts.maxResponseBytes ?? 65_536;
  const maxExcerptBytes = Math.min(opts.maxExcerptBytes ?? 1_024, maxResponseBytes);
  const userAgent = opts.userAgent ?? 'Reelay-Webhooks/0.1';
  const allowPrivateNetworks = opts.allowPrivateNetworks;

  const agent = new Agent({
    allowH2: false,
    // The total deadline is the real limit; undici's own timers only back it up.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: createGuardedConnector({
      allowPrivateNetworks,
      connectTimeoutMs: opts.connectTimeoutMs,
      resolve: opts.resolve,
    }),
  });

  async function send(req: WebhookRequest): Promise<DeliveryOutcome> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const checked = checkWebhookUrl(req.url, { allowPrivateNetworks });
    if (!checked.ok) {
      return { ok: false, error: { code: checked.code, message: checked.message }, latencyMs: latency() };
    }
    const url = checked.url;
    // Not AbortSignal.timeout: its timer outlives the attempt, and when it fires, long after the
    // reply came, it still builds a DOMException and dispatches the abort (one per webhook sent).
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
    const signal = deadline.signal;
    let status: number | undefined;
    let retryAfter: string | undefined;
    try {
      const pending = agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: requestHeaders(req.headers, userAgent),
        body: req.body,
        signal,
      });
      const res = await Promise.race([pending, rejectOnAbort(signal)]);
      status = res.statusCode;
      retryAfter = firstHeader(res.headers['retry-after']);
      const bytes = await readCapped(res.body, maxResponseBytes);
      const failure = statusError(status);
      const outcome: DeliveryOutcome = { ok: failure === undefined, status, latencyMs: latency() };
      if (failure) outcome.error = failure;
      if (retryAfter !== undefined) outcome.retryAfter = retryAfter;
      const excerpt = excerptOf(bytes, maxExcerptBytes, signaturesIn(req.headers));
      if (excerpt !== undefined) outcome.responseExcerpt = excerpt;
      return outcome;
    } catch (err) {
      const outcome: DeliveryOutcome = {
        ok: false,
        error: classifyDeliveryError(err, { timedOut: signal.aborted, timeoutMs }),
        latencyMs: latency(),
      };
      // A status that arrived before the body failed is still worth recording.
      if (status !== undefined) outcome.status = status;
      if (retryAfter !== undefined) outcome.retryAfter = retryAfter;
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    send,
    close: () => agent.close(),
  };
}
