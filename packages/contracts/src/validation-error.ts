import type { z } from 'zod';
import { brandError } from './branded-error.ts';
import type { ReelayErrorCode } from './error-catalogue.ts';

/** One broken rule, addressed by the dotted path of the field that broke it. */
export type FieldIssue = { path: string; rule: string; message: string };

/**
 * Thrown (or returned) when input breaks the request rules. It lists every problem, not just
 * the first, so a caller can fix a request in one round trip.
 */
export class ReelayValidationError extends Error {
  readonly code = 'REELAY_INVALID_REQUEST' satisfies ReelayErrorCode;
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], subject = 'generation request') {
    super(`invalid ${subject}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ReelayValidationError';
    this.issues = issues;
  }
}

export const isReelayValidationError = brandError('validation.error', ReelayValidationError);

/** `['input', 'media', 0, 'url']` → `input.media[0].url` */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Turns zod issues into field issues; a rule name comes from a custom issue's params or the zod code. */
export function toFieldIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath([...issue.path, key], prefix),
          rule: 'unknown_field',
          message: 'is not a known field',
        });
      }
      continue;
    }
    const params = issue.code === 'custom' ? (issue.params as { rule?: string } | undefined) : undefined;
    out.push({
      path: formatPath(issue.path, prefix),
      rule: params?.rule ?? issue.code,
      message: issue.message,
    });
  }
  return out;
}

/** The field issues a parse throws (a ReelayValidationError's), or none: to collect every problem at once. */
export function issuesOf(parse: () => unknown): FieldIssue[] {
  try {
    parse();
    return [];
  } catch (e) {
    if (isReelayValidationError(e)) return e.issues;
    throw e;
  }
}
