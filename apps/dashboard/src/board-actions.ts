/**
 * Which of bull-board's API actions the dashboard lets through on the stage queues. Every stage job
 * is a generation's progress: a job added or edited by hand is a forged step (a notify job asks
 * for a signed webhook), and emptying a queue or removing a waiting, delayed or active job leaves
 * an accepted generation with no job to move it on. So reads are free, the few actions that only
 * restart or hurry work already accepted are allowed, and everything else is refused: a route
 * bull-board adds in a later version is refused until it is listed here.
 *
 * Routes are bull-board's own templates (`/api/queues/:queueName/:jobId/retry`), as its handler
 * hooks see them, without the dashboard's base path.
 */

/** A job's state as BullMQ's `Job.getState()` names it. */
export type BoardJobState = string;

export type BoardDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

type Rule =
  | { readonly kind: 'allow' }
  /** Allowed when the `queueStatus` route parameter is one of these. */
  | { readonly kind: 'status'; readonly statuses: readonly string[]; readonly reason: string }
  /** Allowed when the job named by the route is in one of these states (looked up by the caller). */
  | { readonly kind: 'job-state'; readonly states: readonly string[]; readonly reason: string }
  | { readonly kind: 'refuse'; readonly reason: string };

const ALLOW: Rule = { kind: 'allow' };
const refuse = (reason: string): Rule => ({ kind: 'refuse', reason });
const DROPS = 'would drop accepted generations';

const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // Allowed: they pause work, or restart or hurry work that was already accepted.
  ['PUT /api/queues/pause', ALLOW],
  ['PUT /api/queues/resume', ALLOW],
  ['PUT /api/queues/:queueName/pause', ALLOW],
  ['PUT /api/queues/:queueName/resume', ALLOW],
  ['PUT /api/queues/:queueName/promote', ALLOW],
  ['PUT /api/queues/:queueName/:jobId/promote', ALLOW],
  [
    'PUT /api/queues/:queueName/:jobId/retry',
    {
      kind: 'job-state',
      states: ['failed'],
      reason: 'only a failed job can be retried: a completed one has nothing to redo',
    },
  ],
  [
    'PUT /api/queues/:queueName/retry/:queueStatus',
    { kind: 'status', statuses: ['failed'], reason: 'only failed jobs can be retried' },
  ],
  [
    'PUT /api/queues/:queueName/:jobId/clean',
    {
      kind: 'job-state',
      states: ['failed'],
      reason: 'only a failed job can be removed: removing any other would drop an accepted generation',
    },
  ],
  [
    'PUT /api/queues/:queueName/clean/:queueStatus',
    {
      kind: 'status',
      statuses: ['failed', 'completed'],
      reason: `only failed and completed jobs can be cleaned: cleaning the others ${DROPS}`,
    },
  ],
  // Refused, with the reason an operator sees.
  [
    'POST /api/queues/:queueName/add',
    refuse(
      'adding a job bypasses the producer: a hand-made stage job forges a step (a notify job asks for a webhook)',
    ),
  ],
  ['PUT /api/queues/:queueName/empty', refuse(`emptying a stage queue ${DROPS}`)],
  ['PUT /api/queues/:queueName/obliterate', refuse(`obliterating a stage queue ${DROPS}`)],
  [
    'PATCH /api/queues/:queueName/:jobId/update-data',
    refuse("editing a job's data changes which generation or step it runs"),
  ],
  ['PATCH /api/queues/:queueName/:jobId/delay', refuse('the stages schedule their own delayed jobs')],
  ['PATCH /api/queues/:queueName/:jobId/priority', refuse('the stages set their own job priorities')],
  ['PUT /api/queues/:queueName/concurrency', refuse("concurrency is the workers' configuration")],
  ['PUT /api/queues/:queueName/rate-limit', refuse("rate limits are the workers' configuration")],
  ['PUT /api/queues/:queueName/rate-limit/release', refuse("rate limits are the workers' configuration")],
]);

const NOT_OFFERED = 'this action is not offered on the stage queues';

function ruleOf(method: string, route: string): Rule {
  const verb = method.toUpperCase();
  // Reads change nothing. bull-board's API has no other verbs than GET, POST, PUT and PATCH.
  if (verb === 'GET' || verb === 'HEAD') return ALLOW;
  return RULES.get(`${verb} ${route}`) ?? refuse(NOT_OFFERED);
}

/** Whether {@link boardActionAllowed} needs the state of the job the route names. */
export function needsJobState(method: string, route: string): boolean {
  return ruleOf(method, route).kind === 'job-state';
}

/**
 * Decides one bull-board API request. `params` are the route's parameters (`queueStatus` is
 * read); `jobState` is the named job's state, required when {@link needsJobState} says so — a
 * job that does not exist passes `undefined` and is refused like any job in the wrong state.
 */
export function boardActionAllowed(
  method: string,
  route: string,
  params: Readonly<Record<string, unknown>> = {},
  jobState?: BoardJobState,
): BoardDecision {
  const rule = ruleOf(method, route);
  switch (rule.kind) {
    case 'allow':
      return { allow: true };
    case 'refuse':
      return { allow: false, reason: rule.reason };
    case 'status': {
      const status = params.queueStatus;
      return typeof status === 'string' && rule.statuses.includes(status)
        ? { allow: true }
        : { allow: false, reason: rule.reason };
    }
    case 'job-state':
      return jobState !== undefined && rule.states.includes(jobState)
        ? { allow: true }
        : { allow: false, reason: `${rule.reason} (this job is ${jobState ?? 'not found'})` };
  }
}
