import type { FieldIssue } from '@reelay/contracts';

/**
 * The body of `POST /v1/generations`: `{ request, webhook?, metadata?, priority?, tenant? }`,
 * with the idempotency key in the `Idempotency-Key` header (whether the caller may name `tenant`
 * is the route's to decide). Pure: splits it into the producer's
 * (request, options) and reports every problem with a path relative to the body.
 */
export const CREATE_BODY_FIELDS = ['request', 'webhook', 'metadata', 'priority', 'tenant'] as const;
export const IDEMPOTENCY_HEADER_PATH = 'headers.idempotency-key';

export type CreateInput = { request: unknown; options: Record<string, unknown> };
export type CreateBodyResult = { ok: true; value: CreateInput } | { ok: false; issues: FieldIssue[] };

/**
 * The producer names request fields from the request (`input.media`) and options fields under
 * `options.`; the API's body nests the request under `request` and the options at the top.
 */
export function toBodyPath(producerPath: string): string {
  if (producerPath === 'options') return '';
  if (producerPath === 'options.idempotencyKey') return IDEMPOTENCY_HEADER_PATH;
  if (producerPath.startsWith('options.')) return producerPath.slice('options.'.length);
  if (producerPath === '') return 'request';
  return producerPath.startsWith('[') ? `request${producerPath}` : `request.${producerPath}`;
}

export const toBodyIssues = (issues: readonly FieldIssue[]): FieldIssue[] =>
  issues.map((i) => ({ ...i, path: toBodyPath(i.path) }));

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The producer's checks of a (request, options) pair, paths as the producer names them: the
 * API's route passes `producer.validate`, so one 422 lists the schema problems and the webhook
 * target's (SSRF) problem together, under the producer's own allowPrivateNetworks setting.
 */
export type Validate = (request: unknown, options: unknown) => readonly FieldIssue[];

export function splitCreateBody(
  body: unknown,
  idempotencyKey: string | undefined,
  validate: Validate,
): CreateBodyResult {
  if (!isPlainObject(body))
    return { ok: false, issues: [{ path: '', rule: 'invalid_type', message: 'must be a JSON object' }] };
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(body)) {
    if (!(CREATE_BODY_FIELDS as readonly string[]).includes(key))
      issues.push({ path: key, rule: 'unknown_field', message: 'is not a known field' });
  }
  const options: Record<string, unknown> = {};
  for (const key of ['webhook', 'metadata', 'priority', 'tenant'] as const)
    if (body[key] !== undefined) options[key] = body[key];
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  const found = toBodyIssues(validate(body.request, options));
  if (body.request === undefined) {
    // One issue for the missing request, not the producer's complaint about `undefined`.
    issues.push({ path: 'request', rule: 'required', message: 'is required' });
    issues.push(...found.filter((i) => i.path !== 'request' && !i.path.startsWith('request.')));
  } else {
    issues.push(...found);
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { request: body.request, options } };
}
