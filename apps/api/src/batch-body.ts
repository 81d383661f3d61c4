import type { FieldIssue } from '@reelay/contracts';
import { IDEMPOTENCY_HEADER_PATH } from './create-body.ts';

/**
 * The body of `POST /v1/batches`: `{ items: [{ request, webhook?, metadata?, priority? }],
 * webhook?, metadata?, tenant? }`, with the batch's idempotency key in the `Idempotency-Key`
 * header (whether the caller may name `tenant` is the route's to decide). Pure: turns it into the
 * producer's createBatch (items, options) and reports every problem with a path into the body.
 */
export const CREATE_BATCH_BODY_FIELDS = ['items', 'webhook', 'metadata', 'tenant'] as const;
/** An item's fields: the generation route's body without `tenant` (a batch belongs to one). */
export const BATCH_ITEM_FIELDS = ['request', 'webhook', 'metadata', 'priority'] as const;

/** The producer's checks of a createBatch call (`Producer.validateBatch`), paths as it names them. */
export type ValidateBatch = (items: unknown, options: unknown) => readonly FieldIssue[];

export type BatchInput = {
  items: Array<{ request: unknown; options: Record<string, unknown> }>;
  options: Record<string, unknown>;
};

/**
 * The producer names an item's options `items[3].options.webhook.url` and the batch's
 * `options.webhook.url`; the body has both at the top of their object.
 */
export function toBatchBodyPath(producerPath: string): string {
  const item = /^(items\[\d+\])\.options(?:\.(.*))?$/.exec(producerPath);
  if (item) return item[2] ? `${item[1]}.${item[2]}` : item[1]!;
  if (producerPath === 'options') return '';
  if (producerPath === 'options.idempotencyKey') return IDEMPOTENCY_HEADER_PATH;
  if (producerPath.startsWith('options.')) return producerPath.slice('options.'.length);
  return producerPath;
}

export const toBatchBodyIssues = (issues: readonly FieldIssue[]): FieldIssue[] =>
  issues.map((i) => ({ ...i, path: toBatchBodyPath(i.path) }));

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the body's own shape (unknown fields at the top or in an item, an item that is not an
 * object). A well-shaped body is handed on unchecked otherwise: createBatch runs every other
 * check before it writes anything (its issues go through toBatchBodyIssues), so 10,000 items
 * are not validated twice. A refused body gets the producer's checks too, so its 422 is complete.
 */
export function splitBatchBody(
  body: unknown,
  idempotencyKey: string | undefined,
  validateBatch: ValidateBatch,
): { ok: true; value: BatchInput } | { ok: false; issues: FieldIssue[] } {
  if (!isPlainObject(body))
    return { ok: false, issues: [{ path: '', rule: 'invalid_type', message: 'must be a JSON object' }] };
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(body))
    if (!(CREATE_BATCH_BODY_FIELDS as readonly string[]).includes(key))
      issues.push({ path: key, rule: 'unknown_field', message: 'is not a known field' });
  const options: Record<string, unknown> = {};
  for (const key of ['webhook', 'metadata', 'tenant'] as const)
    if (body[key] !== undefined) options[key] = body[key];
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  if (body.items === undefined) {
    issues.push({ path: 'items', rule: 'required', message: 'is required' });
    return { ok: false, issues: [...issues, ...optionIssues(options, validateBatch)] };
  }
  if (!Array.isArray(body.items)) {
    issues.push({ path: 'items', rule: 'invalid_type', message: 'must be an array of items' });
    return { ok: false, issues: [...issues, ...optionIssues(options, validateBatch)] };
  }
  const notObjects = new Set<string>();
  const items = (body.items as unknown[]).map((item, i) => {
    if (!isPlainObject(item)) {
      notObjects.add(`items[${i}]`);
      issues.push({
        path: `items[${i}]`,
        rule: 'invalid_type',
        message: 'must be an object { request, webhook?, metadata?, priority? }',
      });
      return { request: undefined, options: {} };
    }
    const itemOptions: Record<string, unknown> = {};
    for (const key of Object.keys(item)) {
      if (!(BATCH_ITEM_FIELDS as readonly string[]).includes(key))
        issues.push({
          path: `items[${i}].${key}`,
          rule: 'unknown_field',
          message: key === 'tenant' ? 'is set on the batch (tenant), not on an item' : 'is not a known field',
        });
      else if (key !== 'request' && item[key] !== undefined) itemOptions[key] = item[key];
    }
    return { request: item.request, options: itemOptions };
  });
  if (!issues.length) return { ok: true, value: { items, options } };
  // The body is refused anyway: the producer's checks add what else is wrong, so one 422 lists
  // everything (but nothing more about an item that is not an object).
  const found = toBatchBodyIssues(validateBatch(items, options)).filter(
    (i) => !notObjects.has(/^items\[\d+\]/.exec(i.path)?.[0] ?? ''),
  );
  return { ok: false, issues: [...issues, ...found] };
}

/** The problems of the batch's own options alone (when there are no items to check). */
function optionIssues(options: Record<string, unknown>, validateBatch: ValidateBatch): FieldIssue[] {
  return toBatchBodyIssues(validateBatch([], options)).filter(
    (i) => i.path !== 'items' && !i.path.startsWith('items['),
  );
}
