import { brandError, type FieldIssue } from '@reelay/contracts';

/** RFC 9457 problem details as the Reelay API sends them (application/problem+json). */
export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable: branch on this (or `type`), never on `title` or `detail`. */
  code: string;
  /** Every broken rule, by path into the body (`request.input.media[1].type`); 422 only. */
  errors?: FieldIssue[];
  [extension: string]: unknown;
};

/**
 * The API answered with an error status. Carries the problem's fields; a response that is not a
 * problem (a proxy's HTML page, say) gets `type: 'about:blank'` and code
 * `REELAY_CLIENT_UNEXPECTED_RESPONSE`.
 */
export class ReelayApiError extends Error {
  override name = 'ReelayApiError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string | undefined;
  readonly code: string;
  readonly errors: FieldIssue[] | undefined;
  /**
   * The whole problem, extension members included (`existingId`, `state`, `limitBytes`; for a
   * 402 `REELAY_BUDGET_EXCEEDED`, `tenant`, `limitUsd`, `spentUsd`, `reservedUsd` and
   * `requestedUsd`, typed by `isBudgetExceededProblem`).
   */
  readonly problem: ProblemDetails;

  constructor(problem: ProblemDetails) {
    super(`${problem.status} ${problem.code}: ${problem.detail || problem.title}`);
    this.problem = problem;
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.code = problem.code;
    this.errors = problem.errors;
  }
}
export const isReelayApiError = brandError('client.api-error', ReelayApiError);

/**
 * A 402 from `create`: the generation's estimated cost would take the tenant's spent and
 * reserved cost over its budget for the period (US dollars); nothing was enqueued.
 */
export type BudgetExceededProblem = ProblemDetails & {
  code: 'REELAY_BUDGET_EXCEEDED';
  tenant: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
};

/** Whether a problem (a `ReelayApiError`'s `problem`) is a budget refusal, with its fields typed. */
export function isBudgetExceededProblem(problem: ProblemDetails): problem is BudgetExceededProblem {
  return (
    problem.code === 'REELAY_BUDGET_EXCEEDED' &&
    typeof problem.tenant === 'string' &&
    (['limitUsd', 'spentUsd', 'reservedUsd', 'requestedUsd'] as const).every(
      (k) => typeof problem[k] === 'number',
    )
  );
}

/**
 * The request got no answer: the connection failed, or no response came within `timeoutMs`.
 * The message names the method and URL (never the token); `cause` is the underlying error.
 */
export class ReelayRequestError extends Error {
  override name = 'ReelayRequestError';
  readonly method: string;
  readonly url: string;
  readonly timedOut: boolean;

  constructor(method: string, url: string, reason: string, opts: { timedOut: boolean; cause?: unknown }) {
    super(`${method} ${url} ${reason}`, { cause: opts.cause });
    this.method = method;
    this.url = url;
    this.timedOut = opts.timedOut;
  }
}
export const isReelayRequestError = brandError('client.request-error', ReelayRequestError);
