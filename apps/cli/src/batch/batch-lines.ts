import type { FieldIssue } from '@reelay/contracts';

/** One item for `createBatch`, with the line of the file it came from. */
export type BatchLine = {
  line: number;
  /** The line was a bare request, not `{ "request": …, "options"?: … }`. */
  bare: boolean;
  item: { request: unknown; options?: unknown };
};

export type BatchLinesResult = { ok: true; lines: BatchLine[] } | { ok: false; problems: string[] };

/**
 * A JSON Lines file to batch items, or every problem with its lines. Pure. A line holding an
 * object with a `request` field is an item (`request` and `options` only); any other object is
 * a bare request. Blank lines are skipped, so item i is not always line i+1: each item keeps its
 * line number for the SDK's messages (see {@link issueMessage}).
 */
export function parseBatchLines(text: string): BatchLinesResult {
  const lines: BatchLine[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const source = raw.trim();
    if (source === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      problems.push(`line ${line}: not valid JSON (${(e as Error).message})`);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(
        `line ${line}: must be a JSON object: { "request": {...}, "options"?: {...} } or a bare request`,
      );
      return;
    }
    if (!('request' in value)) {
      lines.push({ line, bare: true, item: { request: value } });
      return;
    }
    const unknown = Object.keys(value).filter((k) => k !== 'request' && k !== 'options');
    if (unknown.length) {
      problems.push(
        `line ${line}: ${unknown.join(', ')}: not a field of an item (an item has request and options)`,
      );
      return;
    }
    const { request, options } = value as { request: unknown; options?: unknown };
    lines.push({ line, bare: false, item: options === undefined ? { request } : { request, options } });
  });
  if (problems.length) return { ok: false, problems };
  if (lines.length === 0) return { ok: false, problems: ['the file has no items (every line is blank)'] };
  return { ok: true, lines };
}

/** The batch option each flag of `reelay batch create` sets, as the SDK's issue paths name it. */
const FLAG_OF: ReadonlyArray<[string, string]> = [
  ['options.tenant', '--tenant'],
  ['options.webhook', '--webhook-url'],
  ['options.idempotencyKey', '--idempotency-key'],
];

/**
 * An issue of `createBatch` in the file's terms: `items[3].request.input.media` becomes
 * `line 5: input.media: …` (the line item 3 came from; `request.` kept for a wrapped item), and
 * a batch option becomes the flag that set it.
 */
export function issueMessage(issue: FieldIssue, lines: readonly BatchLine[]): string {
  const m = /^items\[(\d+)\]\.?(.*)$/.exec(issue.path);
  if (m) {
    const at = lines[Number(m[1])];
    if (at) {
      const field = at.bare ? m[2]!.replace(/^request\.?/, '') : m[2]!;
      return `line ${at.line}: ${field ? `${field}: ` : ''}${issue.message}`;
    }
  }
  const flag = FLAG_OF.find(([path]) => issue.path === path || issue.path.startsWith(`${path}.`));
  if (flag) return `${flag[1]}: ${issue.message}`;
  return `${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}
