/**
 * Is a webhook URL acceptable before any connection is made? https only (http only with
 * allowPrivateNetworks), no userinfo, no `localhost` names, and an IP-literal host must
 * not be in a blocked range. Hostnames are checked again at connect time by the guarded
 * lookup, because only the resolved address tells where the request would go.
 *
 * WHATWG URL parsing normalises IPv4 spellings (`127.1`, `2130706433`, `0x7f.0.0.1` all
 * become `127.0.0.1`) and IPv6 ones, so the literal check sees the canonical address.
 */
import ipaddr from 'ipaddr.js';
import { isBlockedAddress } from './blocked-address.ts';
import type { WebhookUrlCode } from './errors.ts';

export interface WebhookUrlOptions {
  /** Development only: allow http and loopback/private targets. */
  allowPrivateNetworks: boolean;
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; code: WebhookUrlCode; message: string };

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const refuse = (code: WebhookUrlCode, message: string): WebhookUrlCheck => ({ ok: false, code, message });

/** The host as an address when it is an IP literal, else undefined. */
export function ipLiteralOf(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : undefined;
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  // RFC 6761: localhost and everything under it is this machine, whatever DNS says.
  return name === 'localhost' || name.endsWith('.localhost');
}

export function checkWebhookUrl(url: string, opts: WebhookUrlOptions): WebhookUrlCheck {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse(
      'REELAY_WEBHOOK_INVALID_URL',
      `webhook URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`,
    );
  }
  const parsed = URL.parse(url);
  if (parsed === null)
    return refuse('REELAY_WEBHOOK_INVALID_URL', 'webhook URL does not parse as an absolute URL');

  if (parsed.protocol === 'http:') {
    if (!opts.allowPrivateNetworks) {
      return refuse(
        'REELAY_WEBHOOK_INSECURE_URL',
        'webhook URL must use https (http needs allowPrivateNetworks)',
      );
    }
  } else if (parsed.protocol !== 'https:') {
    return refuse('REELAY_WEBHOOK_UNSUPPORTED_SCHEME', `webhook URL scheme ${parsed.protocol} is not https`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse('REELAY_WEBHOOK_URL_CREDENTIALS', 'webhook URL must not contain a username or password');
  }
  if (parsed.hostname === '') return refuse('REELAY_WEBHOOK_INVALID_URL', 'webhook URL has no host');
  if (opts.allowPrivateNetworks) return { ok: true, url: parsed };

  if (isLocalhostName(parsed.hostname)) {
    return refuse('REELAY_WEBHOOK_BLOCKED_HOST', `webhook host ${parsed.hostname} is this machine`);
  }
  const literal = ipLiteralOf(parsed.hostname);
  if (literal !== undefined) {
    const verdict = isBlockedAddress(literal);
    if (verdict.blocked) {
      return refuse(
        'REELAY_WEBHOOK_BLOCKED_ADDRESS',
        `webhook host ${parsed.hostname} is in a blocked address range (${verdict.range})`,
      );
    }
  }
  return { ok: true, url: parsed };
}
