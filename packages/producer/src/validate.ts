import {
  type EnqueueOptions,
  type FieldIssue,
  type GenerationRequest,
  isReelayValidationError,
  parseEnqueueOptions,
  parseGenerationRequest,
  ReelayValidationError,
} from '@reelay/contracts';
import { checkWebhookUrl } from '@reelay/webhooks';

export type Validated = { request: GenerationRequest; options: EnqueueOptions };

/**
 * Validates one request and its options, collecting every problem. The webhook URL gets the
 * same SSRF check here as at every delivery, so a bad target is refused before anything is paid.
 */
export function validateItem(
  request: unknown,
  options: unknown,
  allowPrivateNetworks: boolean,
): Validated | FieldIssue[] {
  const issues: FieldIssue[] = [];
  let parsedRequest: GenerationRequest | undefined;
  let parsedOptions: EnqueueOptions | undefined;
  try {
    parsedRequest = parseGenerationRequest(request);
  } catch (e) {
    if (!isReelayValidationError(e)) throw e;
    issues.push(...e.issues);
  }
  try {
    parsedOptions = parseEnqueueOptions(options);
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
  if (issues.length || !parsedRequest || !parsedOptions) return issues;
  return { request: parsedRequest, options: parsedOptions };
}

/**
 * Every problem `validateItem` finds, `[]` when there is none: pure (no Redis), so a caller (the
 * HTTP API) can list the webhook-target problem together with the schema problems in one answer.
 */
export function validationIssues(
  request: unknown,
  options: unknown,
  allowPrivateNetworks: boolean,
): FieldIssue[] {
  const v = validateItem(request, options, allowPrivateNetworks);
  return Array.isArray(v) ? v : [];
}

/** createBatch's paths: `items[2].request.input.media`, `items[2].options.webhook.url`. */
export const batchItemPath = (i: number, path: string): string =>
  path === 'options' || path.startsWith('options.')
    ? `items[${i}].${path}`
    : `items[${i}].request${path ? `.${path}` : ''}`;

export function validateAll(
  items: ReadonlyArray<{ request: unknown; options?: unknown }>,
  allowPrivateNetworks: boolean,
  /** How an issue's path names its item. @defaultValue enqueueMany's `[2].input.media` */
  itemPath?: (i: number, path: string) => string,
): Validated[] {
  const out: Validated[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, i) => {
    const v = validateItem(item.request, item.options, allowPrivateNetworks);
    // In a batch, each path says which item it is about: `[2].input.media`.
    const at = (path: string) =>
      itemPath ? itemPath(i, path) : items.length === 1 ? path : path ? `[${i}].${path}` : `[${i}]`;
    if (Array.isArray(v)) issues.push(...v.map((issue) => ({ ...issue, path: at(issue.path) })));
    else out.push(v);
  });
  if (issues.length)
    throw new ReelayValidationError(issues, items.length > 1 ? 'batch' : 'generation request');
  return out;
}

/**
 * The `webhookDefaultUrl` option gets the check an explicit `webhook.url` gets, since every
 * generation that names no webhook stores it. It is the service's setting, not the caller's, so
 * it is refused once, by createProducer, rather than as a bad `options.webhook.url` at each
 * enqueue (an API would answer 400 to a client for the operator's mistake).
 */
export function defaultWebhookUrlProblem(
  url: string | undefined,
  allowPrivateNetworks: boolean,
): { code: string; message: string } | undefined {
  if (url === undefined) return undefined;
  const verdict = checkWebhookUrl(url, { allowPrivateNetworks });
  if (verdict.ok) return undefined;
  const hint = allowPrivateNetworks
    ? ''
    : ' (allowPrivateNetworks: true allows http, loopback and private targets, for development only)';
  return { code: verdict.code, message: `createProducer: webhookDefaultUrl: ${verdict.message}${hint}` };
}
