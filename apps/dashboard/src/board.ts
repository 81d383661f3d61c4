import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { STAGES, type StageName } from '@reelay/contracts';
import type { StageQueues } from '@reelay/core';
import type { Queue } from 'bullmq';
import type { FastifyPluginCallback } from 'fastify';
import { boardUrls } from './job-links.ts';
import { redactForDisplay, redactText } from './redaction.ts';

const DESCRIPTIONS: Record<StageName, string> = {
  submit: 'Creates the upstream Vtrix task. Job id <generation>.submit',
  poll: 'Reads the upstream task until it finishes, as delayed jobs. Job id <generation>.poll.<n>',
  sink: 'Copies the finished video to S3. Retrying a failed sink job copies again (no new generation). Job id <generation>.sink',
  notify: 'Delivers signed webhooks. Job id <generation>.notify.<event>',
};

/**
 * bull-board over the four stage queues, retries allowed. Everything it shows is redacted in
 * two places: the adapter formatters (data, return value, progress, name) and an `after` hook
 * on every API response, which also reaches failed reasons, stack traces and job logs — fields
 * bull-board offers no formatter for.
 */
export function boardPlugin(queues: StageQueues, basePath: string): FastifyPluginCallback {
  const server = new FastifyAdapter();
  server.setBasePath(basePath || '/');
  createBullBoard({
    queues: STAGES.map((stage) => stageAdapter(queues[stage], DESCRIPTIONS[stage])),
    serverAdapter: server,
    options: {
      uiConfig: {
        boardTitle: 'Reelay',
        hideDocsLink: true,
        miscLinks: [{ text: 'Find a generation', url: boardUrls.find(basePath) }],
      },
      handlerHooks: { after: (_context, result) => redactForDisplay(result) },
    },
  });
  return server.registerPlugin();
}

function stageAdapter(queue: Queue, description: string): BullMQAdapter {
  const adapter = new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true, description });
  adapter.setFormatter('data', redactForDisplay);
  adapter.setFormatter('returnValue', redactForDisplay);
  adapter.setFormatter('progress', redactForDisplay);
  // The name formatter gets the whole job and must return its name.
  adapter.setFormatter('name', (job: { name?: unknown }) => redactText(String(job.name ?? '')));
  return adapter;
}
