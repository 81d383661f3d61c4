import {
  type Batch,
  type BatchCreateResult,
  type BatchGenerationsPage,
  GENERATION_STATES,
  type GenerationRequest,
  type GenerationState,
  type GenerationStatus,
  isTerminal,
  type Metadata,
  type Tenant,
  type TenantSettingsPatch,
  type WebhookTarget,
} from '@reelay/contracts';
import { type ProblemDetails, ReelayApiError, ReelayRequestError } from './errors.ts';
import { readSse } from './sse.ts';

export type ClientOptions = {
  /** The API's origin (and path prefix, if it is mounted under one), e.g. `https://reelay.internal`. */
  baseUrl: string;
  /** One of the API's `API_TOKENS`; sent as `Authorization: Bearer`, never in a URL or a message. */
  token: string;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** Per request: until the body of create/get/cancel/getTenant/setTenant is read, until the headers of events. @defaultValue 10 000 */
  timeoutMs?: number;
  /** events(): how a dropped stream is reconnected. */
  reconnect?: {
    /** Consecutive failed attempts before events() throws. @defaultValue 5 */
    attempts?: number;
    /** The first backoff; it doubles per consecutive failure, up to 5 s. @defaultValue 250 */
    delayMs?: number;
    /** No bytes (not even a heartbeat, sent every 15 s) for this long: the stream is dead, reconnect. @defaultValue 45 000 */
    idleTimeoutMs?: number;
  };
};

/** The body fields of `POST /v1/generations` besides `request`, and the `Idempotency-Key` header. */
export type CreateOptions = {
  /** Sent as the `Idempotency-Key` header: the same key returns the same generation (`created: false`). */
  idempotencyKey?: string;
  webhook?: WebhookTarget;
  metadata?: Metadata;
  /** 1 (highest) to 2 097 152. */
  priority?: number;
  /**
   * The tenant to enqueue for: operator tokens (`token:*`) only. A tenant's token always enqueues
   * for its own tenant, so leave this out with one (naming another tenant is a 403).
   */
  tenant?: string;
};

export type CreateResult = { id: string; state: GenerationState; created: boolean };

/** Like the SDK's `cancel`: `canceled: false` with the state it ended in when it had already finished. */
export type CancelResult =
  | { id: string; state: 'canceled'; canceled: true }
  | { id: string; state: GenerationState; canceled: false };

/** The data of each `event: state`: the generation `id`, its new `state`, and when (`at`, ms). */
export type StateEvent = { id: string; state: GenerationState; at: number };

export type EventsOptions = {
  /** Resume after this event (an earlier stream's `eventIdOf(e)`): only later changes are sent. */
  lastEventId?: string;
  /** Aborting ends the iteration with the signal's reason. */
  signal?: AbortSignal;
};

/** One item of `POST /v1/batches`: a generation request and its own delivery options. */
export type CreateBatchItem = {
  request: GenerationRequest;
  /** Where this member's webhooks go; without one it inherits the batch's `webhook`. */
  webhook?: WebhookTarget;
  metadata?: Metadata;
  /** 1 (highest) to 2 097 152. */
  priority?: number;
};

/** The body fields of `POST /v1/batches` besides `items`, and the `Idempotency-Key` header. */
export type CreateBatchOptions = {
  /** Sent as the `Idempotency-Key` header: the same key returns the same batch (`created: false`). */
  idempotencyKey?: string;
  /** Members without a webhook of their own inherit it; it also receives `batch.completed`. */
  webhook?: WebhookTarget;
  metadata?: Metadata;
  /** The tenant to create for: operator tokens only (as for `create`). */
  tenant?: string;
};

export type BatchEventsOptions = {
  /** Aborting ends the iteration with the signal's reason. */
  signal?: AbortSignal;
};

export type ReelayClient = {
  create(request: GenerationRequest, options?: CreateOptions): Promise<CreateResult>;
  /** The status record, or undefined when there is no such generation. */
  get(id: string): Promise<GenerationStatus | undefined>;
  /** Undefined when there is no such generation. */
  cancel(id: string): Promise<CancelResult | undefined>;
  /** The current state, then every change, ending after a terminal state; reconnects when the stream drops. */
  events(id: string, options?: EventsOptions): AsyncGenerator<StateEvent, void, undefined>;
  /**
   * A tenant's settings and usage. A tenant's token reads only its own tenant (another name is a
   * 404 `ReelayApiError`); an operator token reads any.
   */
  getTenant(name: string): Promise<Tenant>;
  /**
   * Changes a tenant's settings (operator tokens only, else a 403 `ReelayApiError`): fields left
   * out keep their value, `null` clears a cap or a budget. Resolves to the changed tenant.
   */
  setTenant(name: string, settings: TenantSettingsPatch): Promise<Tenant>;
  /**
   * Creates up to 10,000 generations at once, all or none. A bad item is a 422 `ReelayApiError`
   * whose `errors` name it (`items[2].request.input.media`); over the budget a 402.
   */
  createBatch(items: readonly CreateBatchItem[], options?: CreateBatchOptions): Promise<BatchCreateResult>;
  /** The batch (state, counts, costs, results file), or undefined when there is no such batch. */
  getBatch(id: string): Promise<Batch | undefined>;
  /** Cancels every member not yet finished; resolves to the batch after that, undefined when unknown. */
  cancelBatch(id: string): Promise<Batch | undefined>;
  /** A page of members in item order; pass `cursor` back for the next. Undefined when unknown. */
  listBatchGenerations(
    id: string,
    page?: { cursor?: string; limit?: number },
  ): Promise<BatchGenerationsPage | undefined>;
  /**
   * The batch now, then again as its members move (coalesced by the server), ending after the
   * one whose state is `completed` or `canceled`; reconnects when the stream drops (each event is
   * the whole batch, so nothing is lost in between).
   */
  batchEvents(id: string, options?: BatchEventsOptions): AsyncGenerator<Batch, void, undefined>;
};

const isFinalBatch = (b: Pick<Batch, 'state'>): boolean => b.state === 'completed' || b.state === 'canceled';

/** The SSE id the API gives a state event (`<at>-<state>`): pass it as `lastEventId` to resume. */
export const eventIdOf = (e: Pick<StateEvent, 'state' | 'at'>): string => `${e.at}-${e.state}`;

const stateOfEventId = (id: string): GenerationState | undefined => {
  const state = id.slice(id.indexOf('-') + 1) as GenerationState;
  return GENERATION_STATES.includes(state) ? state : undefined;
};

/** A URL fit for a message: no userinfo, no query. */
function printable(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

function reasonOf(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : cause?.message;
  const message = e instanceof Error ? e.message : String(e);
  return typeof detail === 'string' && detail ? `${message} (${detail})` : message;
}

async function apiError(res: Response, method: string, url: string): Promise<ReelayApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {}
  const p = body as Partial<ProblemDetails> | undefined;
  if (p && typeof p === 'object' && typeof p.code === 'string' && typeof p.type === 'string')
    return new ReelayApiError({
      ...p,
      type: p.type,
      title: typeof p.title === 'string' ? p.title : res.statusText,
      status: typeof p.status === 'number' ? p.status : res.status,
      detail: typeof p.detail === 'string' ? p.detail : '',
      code: p.code,
    });
  return new ReelayApiError({
    type: 'about:blank',
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: `${method} ${printable(url)} answered ${res.status} without a problem body`,
    code: 'REELAY_CLIENT_UNEXPECTED_RESPONSE',
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function createClient(options: ClientOptions): ReelayClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = options.reconnect?.attempts ?? 5;
  const delayMs = options.reconnect?.delayMs ?? 250;
  const idleTimeoutMs = options.reconnect?.idleTimeoutMs ?? 45_000;
  const auth = { authorization: `Bearer ${options.token}` };
  const generation = (id: string) => `/v1/generations/${encodeURIComponent(id)}`;
  const tenant = (name: string) => `/v1/tenants/${encodeURIComponent(name)}`;
  const batch = (id: string) => `/v1/batches/${encodeURIComponent(id)}`;

  /**
   * One request. `read` runs under the timeout (create/get/cancel read the body there); for a
   * stream, `abort` is handed back so the caller owns the connection after the headers.
   */
  async function send<T>(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string; signal?: AbortSignal },
    read: (res: Response, url: string, abort: AbortController) => Promise<T>,
  ): Promise<T> {
    const url = base + path;
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const signal = init.signal ? AbortSignal.any([abort.signal, init.signal]) : abort.signal;
    try {
      const res = await fetchFn(url, {
        method,
        headers: { ...auth, accept: 'application/json', ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
        signal,
      });
      return await read(res, url, abort);
    } catch (e) {
      if (init.signal?.aborted) throw init.signal.reason;
      if (e instanceof ReelayApiError) throw e;
      if (timedOut)
        throw new ReelayRequestError(method, printable(url), `timed out after ${timeoutMs} ms`, {
          timedOut: true,
          cause: e,
        });
      throw new ReelayRequestError(method, printable(url), `failed: ${reasonOf(e)}`, {
        timedOut: false,
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  const json =
    <T>(method: string, accept: (res: Response, problem: () => Promise<ReelayApiError>) => Promise<T> | T) =>
    (res: Response, url: string): Promise<T> =>
      Promise.resolve(accept(res, () => apiError(res, method, url)));

  /** A 200's JSON body; a 404 batch-not-found as undefined; any other answer throws. */
  const batchOrUndefined = <T>(method: string) =>
    json(method, async (res, problem): Promise<T | undefined> => {
      if (res.status === 200) return (await res.json()) as T;
      const err = await problem();
      if (err.code === 'REELAY_BATCH_NOT_FOUND') return undefined;
      throw err;
    });

  /**
   * Opens an events stream: the response once its headers are in, or throws (`retryable` on a
   * 5xx or 429, which may pass; a 401 or 404 will not).
   */
  const openStream = (path: string, headers: Record<string, string>, signal?: AbortSignal) =>
    send(
      'GET',
      path,
      { headers: { accept: 'text/event-stream', ...headers }, ...(signal ? { signal } : {}) },
      async (res, url, abort) => {
        if (res.ok && res.body) return { res, url, abort };
        const err = await apiError(res, 'GET', url);
        if (res.status >= 500 || res.status === 429) throw Object.assign(err, { retryable: true });
        throw err;
      },
    );

  /** The stream's body, aborting the request when no bytes came for `idleTimeoutMs`. */
  function watched(
    res: Response,
    abort: AbortController,
  ): { body: ReadableStream<Uint8Array>; stop(): void } {
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
    };
    armIdle();
    const body = res.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          armIdle();
          controller.enqueue(chunk);
        },
      }),
    );
    return { body, stop: () => clearTimeout(idle) };
  }

  return {
    create(request, opts = {}) {
      const { idempotencyKey, ...rest } = opts;
      const body = JSON.stringify({ request, ...rest });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      return send(
        'POST',
        '/v1/generations',
        { headers, body },
        json('POST', async (res, problem) => {
          if (res.status === 200 || res.status === 201) return (await res.json()) as CreateResult;
          throw await problem();
        }),
      );
    },

    get(id) {
      return send(
        'GET',
        generation(id),
        {},
        json('GET', async (res, problem) => {
          if (res.status === 200) return (await res.json()) as GenerationStatus;
          const err = await problem();
          if (err.code === 'REELAY_GENERATION_NOT_FOUND') return undefined;
          throw err;
        }),
      );
    },

    cancel(id) {
      return send(
        'DELETE',
        generation(id),
        {},
        json('DELETE', async (res, problem): Promise<CancelResult | undefined> => {
          if (res.status === 200) return (await res.json()) as CancelResult;
          const err = await problem();
          if (err.code === 'REELAY_GENERATION_NOT_FOUND') return undefined;
          const state = err.problem.state;
          if (
            err.code === 'REELAY_GENERATION_FINISHED' &&
            GENERATION_STATES.includes(state as GenerationState)
          )
            return { id, state: state as GenerationState, canceled: false };
          throw err;
        }),
      );
    },

    getTenant(name) {
      return send(
        'GET',
        tenant(name),
        {},
        json('GET', async (res, problem) => {
          if (res.status === 200) return (await res.json()) as Tenant;
          throw await problem();
        }),
      );
    },

    setTenant(name, settings) {
      return send(
        'PUT',
        tenant(name),
        { headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) },
        json('PUT', async (res, problem) => {
          if (res.status === 200) return (await res.json()) as Tenant;
          throw await problem();
        }),
      );
    },

    createBatch(items, opts = {}) {
      const { idempotencyKey, ...rest } = opts;
      const body = JSON.stringify({ items, ...rest });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      return send(
        'POST',
        '/v1/batches',
        { headers, body },
        json('POST', async (res, problem) => {
          if (res.status === 200 || res.status === 201) return (await res.json()) as BatchCreateResult;
          throw await problem();
        }),
      );
    },

    getBatch(id) {
      return send('GET', batch(id), {}, batchOrUndefined<Batch>('GET'));
    },

    cancelBatch(id) {
      return send('DELETE', batch(id), {}, batchOrUndefined<Batch>('DELETE'));
    },

    listBatchGenerations(id, page = {}) {
      const query = new URLSearchParams();
      if (page.cursor !== undefined) query.set('cursor', page.cursor);
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      const q = query.size ? `?${query}` : '';
      return send('GET', `${batch(id)}/generations${q}`, {}, batchOrUndefined<BatchGenerationsPage>('GET'));
    },

    async *batchEvents(id, opts = {}) {
      const { signal } = opts;
      let failures = 0;
      const path = `${batch(id)}/events`;
      for (;;) {
        let opened: Awaited<ReturnType<typeof openStream>>;
        try {
          opened = await openStream(path, {}, signal);
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          if (e instanceof ReelayApiError && !(e as { retryable?: boolean }).retryable) throw e;
          failures += 1;
          if (failures > attempts) throw e;
          await sleep(Math.min(5_000, delayMs * 2 ** (failures - 1)), signal);
          continue;
        }
        const { res, url, abort } = opened;
        const stream = watched(res, abort);
        let dropped: unknown;
        try {
          for await (const message of readSse(stream.body)) {
            if (message.event !== 'batch') continue;
            const event = JSON.parse(message.data) as Batch;
            failures = 0;
            yield event;
            if (isFinalBatch(event)) return;
          }
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          dropped = e;
        } finally {
          stream.stop();
          abort.abort();
        }
        // Dropped before the final event: the next stream opens with the batch as it is then.
        failures += 1;
        if (failures > attempts)
          throw new ReelayRequestError(
            'GET',
            printable(url),
            `ended before a final state ${attempts + 1} times in a row${dropped ? `: ${reasonOf(dropped)}` : ''}`,
            { timedOut: false, cause: dropped },
          );
        await sleep(Math.min(5_000, delayMs * 2 ** (failures - 1)), signal);
      }
    },

    async *events(id, opts = {}) {
      const { signal } = opts;
      let last = opts.lastEventId;
      let failures = 0;
      const path = `${generation(id)}/events`;
      // A failed connection or a stream that ended early: wait, or give up after `attempts`.
      const retry = async (error: () => Error) => {
        failures += 1;
        if (failures > attempts) throw error();
        await sleep(Math.min(5_000, delayMs * 2 ** (failures - 1)), signal);
      };
      for (;;) {
        // The terminal event was seen (by this stream or the one `lastEventId` came from).
        if (last !== undefined && isTerminal(stateOfEventId(last) ?? 'queued')) return;
        let opened: Awaited<ReturnType<typeof openStream>>;
        try {
          opened = await openStream(path, last === undefined ? {} : { 'last-event-id': last }, signal);
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          if (e instanceof ReelayApiError && !(e as { retryable?: boolean }).retryable) throw e;
          await retry(() => e as Error);
          continue;
        }
        const { res, url, abort } = opened;
        const stream = watched(res, abort);
        let dropped: unknown;
        try {
          for await (const message of readSse(stream.body)) {
            if (message.event !== 'state') continue;
            const event = JSON.parse(message.data) as StateEvent;
            last = message.id ?? eventIdOf(event);
            failures = 0;
            yield event;
            if (isTerminal(event.state)) return;
          }
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          dropped = e;
        } finally {
          stream.stop();
          abort.abort();
        }
        if (last !== undefined && isTerminal(stateOfEventId(last) ?? 'queued')) return;
        await retry(
          () =>
            new ReelayRequestError(
              'GET',
              printable(url),
              `ended before a terminal state ${attempts + 1} times in a row${dropped ? `: ${reasonOf(dropped)}` : ''}`,
              { timedOut: false, cause: dropped },
            ),
        );
      }
    },
  };
}
