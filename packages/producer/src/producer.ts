import { createHash } from 'node:crypto';
import {
  type Batch,
  type BatchCreateResult,
  type BatchGenerationsPage,
  type BatchOptions,
  DEFAULT_PRICES,
  DEFAULT_TENANT,
  type EnqueueOptions,
  estimateMicroUsd,
  type FieldIssue,
  type GenerationRequest,
  type GenerationState,
  type GenerationStatus,
  issuesOf,
  newGenerationId,
  type Prices,
  parseTenantName,
  parseTenantSettingsPatch,
  ReelayUnavailableError,
  ReelayValidationError,
  type Tenant,
  type TenantSettingsPatch,
} from '@reelay/contracts';
import {
  BatchMemberTakenError,
  type BatchRecord,
  type BatchStore,
  type CancelResult,
  closeQueues,
  createBatchStore,
  createLifecycle,
  createQueues,
  createRedis,
  createStatusStore,
  createTenantStore,
  createUpstreamPause,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  type NewGeneration,
  type RetryFailedResult,
  retryFailedMembers,
  type StageQueues,
  type StageRetry,
  type StatusStore,
  type StoredOptions,
  type TenantRepair,
  toStatus,
  toTenantFields,
  type UpstreamPauseStore,
} from '@reelay/core/sdk';
import type { Redis } from 'ioredis';
import { type BatchItem, newBatch, parsePage, readBatch, replayedBatch, validateBatch } from './batches.ts';
import { canonicalJson } from './canonical-json.ts';
import { defaultWebhookUrlProblem, type Validated, validateAll, validationIssues } from './validate.ts';

export type ProducerOptions = {
  /** @defaultValue `redis://127.0.0.1:6379` */
  redisUrl?: string;
  /** An ioredis connection to share; the producer will not close it. */
  connection?: Redis;
  /**
   * Bound of each call's Redis work (REDIS_COMMAND_TIMEOUT_MS): past it, or when the connection
   * is down, the call rejects with ReelayUnavailableError. Also set as the ioredis
   * `commandTimeout` of the connection the producer opens (not of a shared `connection`).
   * @defaultValue 5000
   */
  commandTimeoutMs?: number;
  /** Key prefix of every queue and record. @defaultValue `reelay` */
  prefix?: string;
  /**
   * Used when a generation names no webhook (WEBHOOK_DEFAULT_URL). It must pass the check every
   * webhook target passes: createProducer throws (before connecting) when it does not.
   */
  webhookDefaultUrl?: string;
  /** Allow webhook targets on loopback and private networks (development only). @defaultValue false */
  allowPrivateNetworks?: boolean;
  /** How long an idempotency key keeps returning its generation. @defaultValue 86400 */
  idempotencyTtlS?: number;
  /** How long a finished generation's record is kept. @defaultValue 7 days */
  recordRetentionS?: number;
  /** A generation not finished this long after enqueue ends failed (GENERATION_DEADLINE_MS). @defaultValue 6 h */
  generationDeadlineMs?: number;
  /** Attempts and backoff of the stage jobs this producer adds (SUBMIT_ATTEMPTS, RETRY_BACKOFF_MS). */
  retry?: StageRetry;
  /**
   * US dollars per second of video by resolution (PRICE_USD_PER_SECOND): each generation's cost
   * estimate, reserved against its tenant's budget. @defaultValue `{ '720P': 0.10, '1080P': 0.15 }`
   */
  pricesUsdPerSecond?: Prices;
};

export type EnqueueResult = { id: string; state: GenerationState; created: boolean };
export type { CancelResult };

/**
 * What apps built on the producer (the API, the dashboard) reach beyond the SDK, and no more:
 * records to read (the store has no write), the stage queues (the operators' board), a fresh
 * connection to subscribe to state changes on, and a liveness check. Not covered by the
 * version policy: services should not need it.
 */
export type ProducerOps = {
  store: StatusStore;
  queues: StageQueues;
  newSubscriber(): Redis;
  ping(): Promise<string>;
  /** Repairs a tenant's counters from its records (`reelay tenant reconcile`). */
  reconcileTenant(name: string): Promise<TenantRepair>;
  /** The upstream pause (circuit breaker): `reelay upstream status | pause | resume`, the dashboard's banner. */
  upstream: UpstreamPauseStore;
  /** Batches, with the bookkeeping the dashboard shows (delivery, round). */
  batches: BatchStore;
  /** The dashboard's action: retries each failed member's failing job (it resumes where it failed). */
  retryFailedMembers(batchId: string): Promise<RetryFailedResult>;
};

export type { BatchItem, BatchRecord, RetryFailedResult };
export type CreateBatchOptions = BatchOptions;

export type EnqueueItem = { request: GenerationRequest | unknown; options?: EnqueueOptions | unknown };

export interface Producer {
  /** Resolves once Redis holds the generation in its tenant's queue (budget reserved). Throws ReelayValidationError listing every problem. */
  enqueue(request: GenerationRequest | unknown, options?: EnqueueOptions | unknown): Promise<EnqueueResult>;
  /**
   * Every problem `enqueue` would refuse this request and options for (schema, and the webhook
   * target's SSRF check with this producer's allowPrivateNetworks), `[]` when none; pure, no Redis.
   */
  validate(request: unknown, options?: unknown): FieldIssue[];
  /** Validates all, enqueues all or none. */
  enqueueMany(items: ReadonlyArray<EnqueueItem>): Promise<EnqueueResult[]>;
  getStatus(id: string): Promise<GenerationStatus | undefined>;
  findByIdempotencyKey(key: string): Promise<GenerationStatus | undefined>;
  /**
   * Cancels a generation in any non-terminal state: the record moves to canceled first (so any
   * stage that runs later sees it and stops), then pending jobs are removed and
   * `generation.canceled` is queued. Vtrix documents no cancel call, so a task already
   * running upstream finishes there and is ignored.
   */
  cancel(id: string): Promise<CancelResult>;
  /**
   * Changes a tenant's settings (stored in Redis; every worker applies them at its next grant,
   * within a second). Fields left out keep their value; `null` clears a cap or a budget.
   * Throws ReelayValidationError naming every bad field; nothing changes then.
   */
  setTenant(name: string, settings: TenantSettingsPatch): Promise<Tenant>;
  /** A tenant's settings and usage (a tenant never configured has the defaults). */
  getTenant(name: string): Promise<Tenant>;
  /** Every tenant ever named by an enqueue or a setting. */
  listTenants(): Promise<Tenant[]>;
  /**
   * Creates a batch: up to 10,000 items (`{ request, options? }`, options as for `enqueue`
   * without `tenant`), all or none. Throws ReelayValidationError naming each bad item by index
   * and field, BudgetExceededError when the tenant's budget cannot take them all; nothing is
   * enqueued then. The same idempotency key returns the same batch (`created: false`). Members
   * without a webhook of their own inherit the batch's.
   */
  createBatch(
    items: ReadonlyArray<BatchItem>,
    options?: CreateBatchOptions | unknown,
  ): Promise<BatchCreateResult>;
  /**
   * Every problem `createBatch` would refuse these items and options for (paths as it names
   * them: `items[3].request.input.media`), `[]` when none; pure, no Redis.
   */
  validateBatch(items: unknown, options?: unknown): FieldIssue[];
  /** A batch's state and counts (exact at every moment), costs and results file; undefined when unknown. */
  getBatch(id: string): Promise<Batch | undefined>;
  /**
   * Cancels every member not yet terminal; the batch ends `canceled` once every member is
   * terminal. A batch already ended is returned unchanged; undefined when unknown.
   */
  cancelBatch(id: string): Promise<Batch | undefined>;
  /** A page of a batch's members with their states, in the order of the items. */
  listBatchGenerations(
    id: string,
    page?: { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<BatchGenerationsPage | undefined>;
  readonly ops: ProducerOps;
  close(): Promise<void>;
}

/** The SDK backend services import to enqueue generations and follow them. */
export function createProducer(opts: ProducerOptions = {}): Producer {
  const allowPrivate = opts.allowPrivateNetworks ?? false;
  const badDefault = defaultWebhookUrlProblem(opts.webhookDefaultUrl, allowPrivate);
  if (badDefault) throw Object.assign(new Error(badDefault.message), { code: badDefault.code });
  const prefix = opts.prefix ?? 'reelay';
  const ownConnection = !opts.connection;
  const timeoutMs = opts.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
  const redis =
    opts.connection ??
    createRedis(opts.redisUrl ?? 'redis://127.0.0.1:6379', 'producer', { commandTimeout: timeoutMs });
  const bounded = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
    withDeadline(operation, timeoutMs, run, () => redis.status);
  const store = createStatusStore(redis, { prefix });
  const queues: StageQueues = createQueues(redis, prefix, opts.retry ? { retry: opts.retry } : {});
  const lifecycle = createLifecycle(redis, queues, {
    prefix,
    recordRetentionS: opts.recordRetentionS ?? 7 * 86_400,
    idempotencyTtlS: opts.idempotencyTtlS ?? 86_400,
    generationDeadlineMs: opts.generationDeadlineMs ?? 6 * 3_600_000,
  });
  const prices = opts.pricesUsdPerSecond ?? DEFAULT_PRICES;
  const tenants = createTenantStore(redis, { prefix });
  const batches = createBatchStore(redis, { prefix });

  function toNew(
    v: Validated,
    inherited?: { tenant?: string; webhook?: BatchOptions['webhook'] },
  ): NewGeneration {
    const options: StoredOptions = {};
    if (v.options.idempotencyKey) options.idempotencyKey = v.options.idempotencyKey;
    const webhook =
      v.options.webhook ??
      inherited?.webhook ??
      (opts.webhookDefaultUrl ? { url: opts.webhookDefaultUrl } : undefined);
    if (webhook) options.webhook = webhook;
    if (v.options.metadata) options.metadata = v.options.metadata;
    if (v.options.priority) options.priority = v.options.priority;
    // The fingerprint covers what the caller sent, so the same key with another body is a conflict.
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ request: v.request, options: v.options }))
      .digest('base64url');
    return {
      id: newGenerationId(),
      request: v.request,
      options,
      fingerprint,
      tenant: inherited?.tenant ?? v.options.tenant ?? DEFAULT_TENANT,
      estimateMicroUsd: estimateMicroUsd(v.request, prices),
    };
  }

  return {
    async enqueue(
      request: GenerationRequest | unknown,
      options: EnqueueOptions | unknown = {},
    ): Promise<EnqueueResult> {
      const items = validateAll([{ request, options }], allowPrivate).map((v) => toNew(v));
      const [result] = await bounded('enqueue', () => lifecycle.enqueue(items));
      return result!;
    },

    validate(request: unknown, options: unknown = {}): FieldIssue[] {
      return validationIssues(request, options, allowPrivate);
    },

    async enqueueMany(items: ReadonlyArray<EnqueueItem>): Promise<EnqueueResult[]> {
      if (!items.length) return [];
      const generations = validateAll(items, allowPrivate).map((v) => toNew(v));
      return bounded('enqueueMany', () => lifecycle.enqueue(generations));
    },

    async getStatus(id: string): Promise<GenerationStatus | undefined> {
      const record = await bounded('getStatus', () => store.get(id));
      return record && toStatus(record);
    },

    async findByIdempotencyKey(key: string): Promise<GenerationStatus | undefined> {
      const id = await bounded('findByIdempotencyKey', () => store.findIdByIdempotencyKey(key));
      return id ? this.getStatus(id) : undefined;
    },

    cancel(id: string): Promise<CancelResult> {
      return bounded('cancel', () => lifecycle.cancel(id));
    },

    async setTenant(name: string, settings: TenantSettingsPatch): Promise<Tenant> {
      const issues = [
        ...issuesOf(() => parseTenantName(name, 'name')),
        ...issuesOf(() => parseTenantSettingsPatch(settings)),
      ];
      if (issues.length) throw new ReelayValidationError(issues, 'tenant settings');
      const fields = toTenantFields(parseTenantSettingsPatch(settings));
      // One deadline for the whole call, not one per step.
      return bounded('setTenant', async () => {
        await lifecycle.setTenant(name, fields);
        // A tenant unpaused or given room may have work to grant now.
        await lifecycle.dispatch().catch(() => 0);
        return tenants.get(name);
      });
    },

    getTenant(name: string): Promise<Tenant> {
      const tenant = parseTenantName(name, 'name');
      return bounded('getTenant', () => tenants.get(tenant));
    },

    listTenants(): Promise<Tenant[]> {
      return bounded('listTenants', () => tenants.list());
    },

    async createBatch(items: ReadonlyArray<BatchItem>, options: unknown = {}): Promise<BatchCreateResult> {
      const v = validateBatch(items, options, allowPrivate);
      const batch = newBatch(v, items, opts.webhookDefaultUrl);
      const members = v.items.map((item) =>
        toNew(item, { tenant: batch.tenant, ...(v.options.webhook ? { webhook: v.options.webhook } : {}) }),
      );
      // One script writes every member: its deadline grows with the batch (10,000 items: +10 s).
      return withDeadline(
        'createBatch',
        timeoutMs + items.length,
        async () => {
          let results: Awaited<ReturnType<typeof lifecycle.createBatch>>;
          try {
            results = await lifecycle.createBatch(batch, members);
          } catch (e) {
            if (e instanceof BatchMemberTakenError)
              throw new ReelayValidationError(
                [
                  {
                    path: `items[${e.index}].options.idempotencyKey`,
                    rule: 'unique',
                    message: `already names ${e.existingId}: a batch member must be a new generation`,
                  },
                ],
                'batch',
              );
            throw e;
          }
          if ('replayOf' in results) return replayedBatch(batches, results.replayOf);
          return { id: batch.id, created: true, generations: results };
        },
        () => redis.status,
      );
    },

    validateBatch(items: unknown, options: unknown = {}): FieldIssue[] {
      return issuesOf(() => validateBatch(items, options, allowPrivate));
    },

    getBatch(id: string): Promise<Batch | undefined> {
      return bounded('getBatch', () => readBatch(batches, id));
    },

    async cancelBatch(id: string): Promise<Batch | undefined> {
      // Many members: one deadline per page of them would be arbitrary; the whole call gets ten.
      return withDeadline(
        'cancelBatch',
        timeoutMs * 10,
        async () => {
          if (!(await readBatch(batches, id))) return undefined;
          await lifecycle.cancelBatch(id);
          return readBatch(batches, id);
        },
        () => redis.status,
      );
    },

    async listBatchGenerations(
      id: string,
      page: { cursor?: string | undefined; limit?: number | undefined } = {},
    ): Promise<BatchGenerationsPage | undefined> {
      const p = parsePage(page);
      return bounded('listBatchGenerations', async () =>
        (await readBatch(batches, id)) ? batches.members(id, p) : undefined,
      );
    },

    ops: {
      store,
      upstream: createUpstreamPause(redis, { prefix }),
      batches,
      retryFailedMembers: (batchId: string) => retryFailedMembers(redis, batches, queues, batchId),
      queues,
      newSubscriber: (): Redis => redis.duplicate(),
      ping: (): Promise<string> => bounded('ping', () => redis.ping()),
      reconcileTenant: (name: string) => lifecycle.reconcileTenant(parseTenantName(name, 'name')),
    },

    async close(): Promise<void> {
      await closeQueues(queues);
      if (ownConnection) await redis.quit();
    },
  };
}

/** ioredis' and Node's ways of saying the connection is down or a command took too long. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
function isConnectionFailure(err: unknown, status: string): boolean {
  if (!(err instanceof Error)) return false;
  // A reply error (WRONGTYPE, a script's error, OOM) came from a Redis that answers.
  if (err.name === 'ReplyError') return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (/^Command timed out|Connection is closed|Stream isn't writeable/.test(err.message)) return true;
  if (CONNECTION_CODES.has((err as NodeJS.ErrnoException).code ?? '')) return true;
  // Any other non-reply failure while the connection is not ready is the outage's.
  return status !== 'ready';
}

/**
 * Runs one SDK call's Redis work, bounded: it rejects with ReelayUnavailableError after
 * `timeoutMs` (the whole call, however many commands it sends) or at once when Redis fails it
 * with a connection error. Typed errors (validation, budget, idempotency) pass through.
 */
function withDeadline<T>(
  operation: string,
  timeoutMs: number,
  run: () => Promise<T>,
  status: () => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ReelayUnavailableError(operation, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref?.();
    run().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (isConnectionFailure(err, status()))
          reject(new ReelayUnavailableError(operation, (err as Error).message, { cause: err }));
        else reject(err);
      },
    );
  });
}
