import { createHash } from 'node:crypto';
import {
  type Batch,
  type BatchCreateResult,
  type BatchGenerationsPage,
  type BatchOptions,
  DEFAULT_TENANT,
  type FieldIssue,
  isBatchId,
  isReelayValidationError,
  MAX_BATCH_ITEMS,
  newBatchId,
  parseBatchOptions,
  ReelayValidationError,
} from '@reelay/contracts';
import { type BatchStore, type NewBatch, toBatch, wantsBatchCompleted } from '@reelay/core/sdk';
import { checkWebhookUrl } from '@reelay/webhooks';
import { canonicalJson } from './canonical-json.ts';
import { batchItemPath, type Validated, validateAll } from './validate.ts';

export type BatchItem = { request: unknown; options?: unknown };

/** A batch call checked: its options, and its items each as `enqueue` would take them. */
export type ValidatedBatch = { options: BatchOptions; items: Validated[] };

/**
 * Checks a whole createBatch call and lists every problem at once: the item count, each item as
 * `enqueue` checks it (paths name the item: `[3].request.input.media`), an item naming a tenant
 * (a batch belongs to one), and the batch's options with its webhook target's SSRF check.
 */
export function validateBatch(
  items: unknown,
  options: unknown,
  allowPrivateNetworks: boolean,
): ValidatedBatch {
  const issues: FieldIssue[] = [];
  let parsedOptions: BatchOptions | undefined;
  try {
    parsedOptions = parseBatchOptions(options);
  } catch (e) {
    if (!isReelayValidationError(e)) throw e;
    issues.push(...e.issues);
  }
  const url = parsedOptions?.webhook?.url;
  if (url) {
    const verdict = checkWebhookUrl(url, { allowPrivateNetworks });
    if (!verdict.ok)
      issues.push({ path: 'options.webhook.url', rule: 'webhook_target', message: verdict.message });
  }
  if (!Array.isArray(items)) {
    issues.push({
      path: 'items',
      rule: 'invalid_type',
      message: 'must be an array of { request, options? }',
    });
    throw new ReelayValidationError(issues, 'batch');
  }
  if (items.length === 0)
    issues.push({ path: 'items', rule: 'too_small', message: 'needs at least one item' });
  if (items.length > MAX_BATCH_ITEMS)
    issues.push({ path: 'items', rule: 'too_big', message: `must have at most ${MAX_BATCH_ITEMS} items` });
  let validated: Validated[] = [];
  const shaped = (items as unknown[]).map((item, i) => {
    const { request, options: itemOptions } = (item ?? {}) as BatchItem;
    if ((itemOptions as { tenant?: unknown } | undefined)?.tenant !== undefined)
      issues.push({
        path: `items[${i}].options.tenant`,
        rule: 'unknown_field',
        message: 'is set on the batch (options.tenant), not on an item',
      });
    return { request, options: itemOptions };
  });
  if (shaped.length && shaped.length <= MAX_BATCH_ITEMS) {
    try {
      validated = validateAll(shaped, allowPrivateNetworks, batchItemPath);
    } catch (e) {
      if (!isReelayValidationError(e)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length || !parsedOptions) throw new ReelayValidationError(issues, 'batch');
  return { options: parsedOptions, items: validated };
}

/** The batch's record: its id, tenant, fingerprint over the whole call, and what it was made with. */
export function newBatch(
  v: ValidatedBatch,
  rawItems: readonly BatchItem[],
  webhookDefaultUrl: string | undefined,
): NewBatch {
  const tenant = v.options.tenant ?? DEFAULT_TENANT;
  const { idempotencyKey, webhook, metadata } = v.options;
  const target = webhook ?? (webhookDefaultUrl ? { url: webhookDefaultUrl } : undefined);
  // The fingerprint covers what the caller sent, so the same key with other items is a conflict.
  const fingerprint = createHash('sha256')
    .update(canonicalJson({ items: rawItems, options: { ...v.options, idempotencyKey: undefined } }))
    .digest('base64url');
  return {
    id: newBatchId(),
    tenant,
    idempotencyKey,
    fingerprint,
    input: JSON.stringify({
      ...(target ? { webhook: target } : {}),
      ...(metadata ? { metadata } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    }),
    wantsCompleted: wantsBatchCompleted(target),
  };
}

/** A batch's members as createBatch returns them, for a batch made before (an idempotent replay). */
export async function replayedBatch(store: BatchStore, id: string): Promise<BatchCreateResult> {
  const generations: BatchCreateResult['generations'] = [];
  for (let start = 0; ; start += 1_000) {
    const ids = await store.memberIds(id, start, 1_000);
    const states = await store.statesOf(ids);
    ids.forEach((g, i) => {
      generations.push({ id: g, state: states[i]!, created: false });
    });
    if (ids.length < 1_000) break;
  }
  return { id, created: false, generations };
}

export async function readBatch(store: BatchStore, id: string): Promise<Batch | undefined> {
  if (!isBatchId(id)) return undefined;
  const record = await store.get(id);
  return record && toBatch(record);
}

/** Checks a page request: the cursor a previous page gave, a limit from 1 to 1,000. */
export function parsePage(page: { cursor?: unknown; limit?: unknown }): { cursor?: string; limit?: number } {
  const issues: FieldIssue[] = [];
  if (page.cursor !== undefined && (typeof page.cursor !== 'string' || !/^\d{1,9}$/.test(page.cursor)))
    issues.push({ path: 'cursor', rule: 'cursor', message: 'must be a cursor returned by a previous page' });
  const limit = page.limit;
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1_000)
  )
    issues.push({ path: 'limit', rule: 'range', message: 'must be an integer from 1 to 1000' });
  if (issues.length) throw new ReelayValidationError(issues, 'page');
  return {
    ...(page.cursor !== undefined ? { cursor: page.cursor as string } : {}),
    ...(limit !== undefined ? { limit: limit as number } : {}),
  };
}

export type { BatchGenerationsPage };
