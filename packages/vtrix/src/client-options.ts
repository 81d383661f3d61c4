// Options of createVtrixClient, their defaults, and their validation (once, at construction).

import type { Dispatcher } from 'undici';

export interface VtrixClientOptions {
  /** API base, e.g. `https://cloud.vtrix.ai`; a path prefix is kept. */
  baseUrl: string;
  /** Bearer token; the Authorization header is omitted without one (simulator). */
  apiKey?: string;
  /** Model id sent on create. @defaultValue `'wan27_i2v'` */
  model?: string;
  /** TCP/TLS connect timeout. @defaultValue `5_000` */
  connectTimeoutMs?: number;
  /** Time allowed until the reply headers have arrived. @defaultValue `15_000` */
  headersTimeoutMs?: number;
  /** Time allowed between two chunks of the reply body. @defaultValue `15_000` */
  bodyTimeoutMs?: number;
  /** Replies longer than this are cut off and classified. @defaultValue `1_048_576` (1 MiB) */
  maxResponseBytes?: number;
  /** Keep-alive connections per origin. @defaultValue `32` */
  connections?: number;
  /** Clock for Retry-After HTTP dates. @defaultValue `Date.now` */
  now?: () => number;
  /**
   * Use this dispatcher instead of creating an Agent (tests, proxies). The caller owns it:
   * `close()` does not close it, and `connectTimeoutMs` / `connections` do not apply.
   */
  dispatcher?: Dispatcher;
}

export interface ResolvedOptions {
  origin: string;
  /** Path prefix of the base URL, without a trailing slash ('' for none). */
  basePath: string;
  apiKey: string | undefined;
  model: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxResponseBytes: number;
  connections: number;
  now: () => number;
  dispatcher: Dispatcher | undefined;
}

export const DEFAULT_MODEL = 'wan27_i2v';

// Header values may not hold control characters; undici would reject them per request,
// which would look like a network failure instead of the configuration error it is.
const HEADER_VALUE = /^[\x20-\x7e\x80-\xff]*$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

export function resolveOptions(options: VtrixClientOptions): ResolvedOptions {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.username || url.password) throw new TypeError('baseUrl must not carry credentials; use apiKey');

  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  // The message names the option, never the value.
  if (apiKey !== undefined && !HEADER_VALUE.test(apiKey)) {
    throw new TypeError('apiKey contains characters not allowed in an HTTP header');
  }
  const model = options.model ?? DEFAULT_MODEL;
  if (model.trim() === '') throw new TypeError('model must not be empty');

  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    apiKey,
    model,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5_000),
    headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs, 15_000),
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 15_000),
    maxResponseBytes: Math.floor(positive('maxResponseBytes', options.maxResponseBytes, 1024 * 1024)),
    connections: Math.floor(positive('connections', options.connections, 32)),
    now: options.now ?? Date.now,
    dispatcher: options.dispatcher,
  };
}
