import { type FieldIssue, issuesOf, parseEnqueueOptions, parseGenerationRequest } from '@reelay/contracts';

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

export function splitCreateBody(body: unknown, idempotencyKey: string | undefined): CreateBodyResult {
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
  if (body.request === undefined) {
    issues.push({ path: 'request', rule: 'required', message: 'is required' });
  } else {
    issues.push(...toBodyIssues(issuesOf(() => parseGenerationRequest(body.request))));
  }
  issues.push(...toBodyIssues(issuesOf(() => parseEnqueueOptions(options))));
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { request: body.request, options } };
}
