import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookReceiverOptions {
  /** `whsec_…` secrets; a delivery is verified if any one of them verifies it (rotation). */
  secrets: string[];
  /** Port on 127.0.0.1. @defaultValue 0 (the OS picks one) */
  port?: number;
  /** Fraction of deliveries answered `statusOnFail`, whatever their signature. @defaultValue 0 */
  failRate?: number;
  /** @defaultValue 503 */
  statusOnFail?: number;
  /** Drawn once per delivery while `failRate > 0`; inject it to make failures deterministic. @defaultValue Math.random */
  random?: () => number;
}

/** One POST the receiver got, and what it answered. */
export interface Delivery {
  /** `webhook-id` header; the same across retries of one event. */
  webhookId: string | undefined;
  /** `webhook-timestamp` header, Unix seconds. */
  timestamp: number | undefined;
  /** `type` of the JSON body. */
  type: string | undefined;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  /** The exact bytes received, as UTF-8. */
  rawBody: string;
  /** Signature checked by the independent `standardwebhooks` package. */
  verified: boolean;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** The HTTP status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  /** Where to deliver: `http://127.0.0.1:<port>/webhooks` (any path is accepted). */
  readonly url: string;
  deliveries(): Delivery[];
  verified(): Delivery[];
  /** Deliveries answered 2xx. */
  accepted(): Delivery[];
  signatureFailures(): number;
  /** Deliveries grouped by `webhook-id`, in arrival order (attempts of one event together). */
  byEvent(): Map<string, Delivery[]>;
  /** Resolves with the deliveries as soon as `pred` holds; rejects after `timeoutMs` (default 10 s). */
  waitFor(pred: (deliveries: Delivery[]) => boolean, timeoutMs?: number): Promise<Delivery[]>;
  setFailRate(rate: number): void;
  /** While down, every delivery is answered 503 (and still recorded). */
  setDown(down: boolean): void;
  /** Forget the recorded deliveries. */
  clear(): void;
  /** Close the server and reject pending `waitFor`s; idempotent. */
  stop(): Promise<void>;
}

interface Waiter {
  check(): void;
  fail(err: Error): void;
}

export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  if (opts.secrets.length === 0) throw new Error('startWebhookReceiver: give at least one secret');
  // Constructing up front makes a malformed secret fail here, not on every delivery.
  const verifiers = opts.secrets.map((secret) => new Webhook(secret));
  const statusOnFail = opts.statusOnFail ?? 503;
  const random = opts.random ?? Math.random;
  let failRate = checkRate(opts.failRate ?? 0);
  let down = false;
  let log: Delivery[] = [];
  const waiters = new Set<Waiter>();

  function verify(raw: Buffer, headers: Record<string, string>): boolean {
    return verifiers.some((verifier) => {
      try {
        verifier.verify(raw, headers, { jsonParse: false });
        return true;
      } catch {
        return false;
      }
    });
  }

  function answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const headers = webhookHeaders(req);
    const verified = verify(raw, headers);
    let status = verified ? 204 : 401;
    if (down) status = 503;
    else if (failRate > 0 && random() < failRate) status = statusOnFail;
    const rawBody = raw.toString('utf8');
    const body = parseJson(rawBody);
    const timestamp = Number.parseInt(headers['webhook-timestamp'] ?? '', 10);
    log.push({
      webhookId: headers['webhook-id'],
      timestamp: Number.isNaN(timestamp) ? undefined : timestamp,
      type: typeof body === 'object' && body !== null && 'type' in body ? String(body.type) : undefined,
      body,
      rawBody,
      verified,
      receivedAt: Date.now(),
      status,
    });
    // Recorded before answering, so a sender that got its reply always finds the delivery here.
    for (const waiter of waiters) waiter.check();
    res.writeHead(status).end();
  }

  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    deliveries: () => log.slice(),
    verified: () => log.filter((d) => d.verified),
    accepted: () => log.filter((d) => d.status >= 200 && d.status < 300),
    signatureFailures: () => log.filter((d) => !d.verified).length,
    byEvent() {
      const events = new Map<string, Delivery[]>();
      for (const d of log) {
        if (d.webhookId === undefined) continue;
        const attempts = events.get(d.webhookId) ?? [];
        attempts.push(d);
        events.set(d.webhookId, attempts);
      }
      return events;
    },
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          check() {
            let done: boolean;
            try {
              done = pred(log.slice());
            } catch (err) {
              waiter.fail(err instanceof Error ? err : new Error(String(err)));
              return;
            }
            if (!done) return;
            settle();
            resolve(log.slice());
          },
          fail(err) {
            settle();
            reject(err);
          },
        };
        const timer = setTimeout(
          () =>
            waiter.fail(new Error(`waitFor: condition still false after ${timeoutMs} ms; ${summary(log)}`)),
          timeoutMs,
        );
        const settle = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        waiter.check();
      });
    },
    setFailRate(rate) {
      failRate = checkRate(rate);
    },
    setDown(value) {
      down = value;
    },
    clear() {
      log = [];
    },
    async stop() {
      if (!server.listening) return;
      for (const waiter of waiters) waiter.fail(new Error('waitFor: the webhook receiver was stopped'));
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function webhookHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(' ') : value;
  }
  return headers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`failRate must be within [0, 1], got ${rate}`);
  return rate;
}

function summary(log: Delivery[]): string {
  const verified = log.filter((d) => d.verified).length;
  const recent = log
    .slice(-5)
    .map(
      (d) => `${d.type ?? '?'} ${d.webhookId ?? '?'} → ${d.status}${d.verified ? '' : ' (bad signature)'}`,
    );
  return `${log.length} deliveries (${verified} verified)${recent.length ? `; last: ${recent.join(', ')}` : ''}`;
}
