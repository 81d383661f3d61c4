/**
 * Maps what a delivery attempt threw (undici, net, tls, dns, our guard) or answered to a
 * stable `REELAY_WEBHOOK_*` code. Pure; the sender is the only caller. Messages carry
 * error codes and our own wording, never request headers.
 */
import { WebhookBlockedAddressError, type WebhookDeliveryCode } from './errors.ts';

export interface DeliveryError {
  code: WebhookDeliveryCode;
  message: string;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  // Walk the cause chain (undici wraps socket errors) and AggregateError members.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (current instanceof AggregateError) {
      for (const inner of current.errors) codes.push(...codesOf(inner));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function classifyDeliveryError(
  err: unknown,
  ctx: { timedOut: boolean; timeoutMs: number },
): DeliveryError {
  if (WebhookBlockedAddressError.is(err)) return { code: err.code, message: err.message };
  const codes = codesOf(err);
  const has = (pred: (code: string) => boolean) => codes.some(pred);
  if (ctx.timedOut || has((c) => TIMEOUT_CODES.has(c))) {
    return { code: 'REELAY_WEBHOOK_TIMEOUT', message: `no complete response within ${ctx.timeoutMs} ms` };
  }
  if (has((c) => c === 'UND_ERR_CONNECT_TIMEOUT')) {
    return { code: 'REELAY_WEBHOOK_CONNECT_TIMEOUT', message: 'connection not established in time' };
  }
  if (has((c) => c === 'ECONNREFUSED')) {
    return { code: 'REELAY_WEBHOOK_CONNECTION_REFUSED', message: 'receiver refused the connection' };
  }
  if (has((c) => DNS_CODES.has(c))) {
    return { code: 'REELAY_WEBHOOK_DNS_FAILURE', message: 'webhook host did not resolve' };
  }
  if (has((c) => TLS_CODE.test(c))) {
    return {
      code: 'REELAY_WEBHOOK_TLS_ERROR',
      message: `TLS failed (${codes.find((c) => TLS_CODE.test(c))})`,
    };
  }
  if (has((c) => RESET_CODES.has(c))) {
    return {
      code: 'REELAY_WEBHOOK_CONNECTION_RESET',
      message: 'connection closed before a complete response',
    };
  }
  const first = codes[0] ?? (err instanceof Error ? err.name : 'unknown');
  return { code: 'REELAY_WEBHOOK_NETWORK_ERROR', message: `delivery failed (${first})` };
}

/** The error for a received status that is not success; undefined for 2xx. */
export function statusError(status: number): DeliveryError | undefined {
  if (status >= 200 && status <= 299) return undefined;
  if (status >= 300 && status <= 399) {
    return {
      code: 'REELAY_WEBHOOK_REDIRECT',
      message: `receiver answered ${status}; redirects are not followed`,
    };
  }
  return { code: 'REELAY_WEBHOOK_HTTP_STATUS', message: `receiver answered ${status}` };
}
