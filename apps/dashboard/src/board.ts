import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { BeforeHook } from '@bull-board/api/typings/app';
import { FastifyAdapter } from '@bull-board/fastify';
import { STAGES, type StageName } from '@reelay/contracts';
import type { Logger, StageQueues } from '@reelay/core';
import type { Queue } from 'bullmq';
import type { FastifyPluginCallback } from 'fastify';
import { boardActionAllowed, needsJobState } from './board-actions.ts';
import { boardUrls } from './job-links.ts';
import { redactForDisplay, redactText } from './redaction.ts';

const DESCRIPTIONS: Record<StageName, string> = {
  submit: 'Creates the upstream Vtrix task. Job id <generation>.submit',
  poll: 'Reads the upstream task until it finishes, as delayed jobs. Job id <generation>.poll.<n>',
  sink: 'Copies the finished video to S3. Retrying a failed sink job copies again (no new generation). Job id <generation>.sink',
  notify: 'Delivers signed webhooks. Job id <generation>.notify.<event>',
};

/**
 * bull-board over the four stage queues. Everything it shows is redacted in two places: the
 * adapter formatters (data, return value, progress, name) and an `after` hook on every API
 * response, which also reaches failed reasons, stack traces and job logs — fields bull-board
 * offers no formatter for.
 *
 * Its actions go through a `before` hook on every API route first: only those
 * `boardActionAllowed` lets through reach bull-board (retry or remove a failed job, promote,
 * pause/resume, clean failed or completed); adding, editing, emptying, obliterating and removing
 * unfinished jobs answer 403 and change nothing. bull-board 9 can hide only completed-job
 * retries from its UI without going read-only (which would drop retries too), so its other
 * buttons stay visible and answer with the refusal.
 */
export function boardPlugin(
  queues: StageQueues,
  basePath: string,
  logger?: Logger,
  opts: { tenantsPage?: boolean; batchesPage?: boolean; upstreamPage?: boolean } = {},
): FastifyPluginCallback {
  const server = new FastifyAdapter();
  server.setBasePath(basePath || '/');
  createBullBoard({
    queues: STAGES.map((stage) => stageAdapter(queues[stage], DESCRIPTIONS[stage])),
    serverAdapter: server,
    options: {
      uiConfig: {
        boardTitle: 'Reelay',
        hideDocsLink: true,
        miscLinks: [
          { text: 'Find a generation', url: boardUrls.find(basePath) },
          ...(opts.tenantsPage ? [{ text: 'Tenants', url: boardUrls.tenants(basePath) }] : []),
          ...(opts.batchesPage ? [{ text: 'Batches', url: boardUrls.batches(basePath) }] : []),
          ...(opts.upstreamPage ? [{ text: 'Upstream', url: boardUrls.upstream(basePath) }] : []),
        ],
      },
      handlerHooks: {
        before: refuseUnsafeActions(logger),
        after: (_context, result) => redactForDisplay(result),
      },
    },
  });
  return server.registerPlugin();
}

/** The I/O around `boardActionAllowed`: looks the job up when its state matters, answers 403. */
function refuseUnsafeActions(logger?: Logger): BeforeHook {
  return async ({ method, route, request }) => {
    const { queueName, jobId } = request.params as { queueName?: string; jobId?: string };
    let jobState: string | undefined;
    if (needsJobState(method, route) && queueName !== undefined && jobId !== undefined) {
      const job = await request.queues.get(queueName)?.getJob(jobId);
      jobState = job ? await job.getState() : undefined;
    }
    const decision = boardActionAllowed(method, route, request.params, jobState);
    if (decision.allow) return { allow: true };
    logger?.warn(
      { method: method.toUpperCase(), route, queue: queueName, jobId, jobState, reason: decision.reason },
      'dashboard: refused a board action',
    );
    return { allow: false, status: 403, message: decision.reason };
  };
}

function stageAdapter(queue: Queue, description: string): BullMQAdapter {
  // Completed jobs are not retried (nothing failed), so the UI hides that button. Not a literal:
  // BullMQAdapter's declared options omit allowCompletedRetries, which its base class reads.
  const options = { readOnlyMode: false, allowRetries: true, allowCompletedRetries: false, description };
  const adapter = new BullMQAdapter(queue, options);
  adapter.setFormatter('data', redactForDisplay);
  adapter.setFormatter('returnValue', redactForDisplay);
  adapter.setFormatter('progress', redactForDisplay);
  // The name formatter gets the whole job and must return its name.
  adapter.setFormatter('name', (job: { name?: unknown }) => redactText(String(job.name ?? '')));
  return adapter;
}
