/**
 * A finished batch (notify queue, BatchNotifyJob { batchId, round }): first its results file is
 * written to S3 and recorded in the batch, then `batch.completed` is delivered to the batch's
 * target like any event (Standard Webhooks, one webhook-id across retries, the delivery
 * schedule, 410 stops). A retry after the file is recorded only re-sends; a job of a round the
 * batch has left (an operator resumed a member since) does nothing.
 */
import { type BatchCompletedEvent, type BatchNotifyJob, batchWebhookId } from '@reelay/contracts';
import { type BatchRecord, toBatch } from '@reelay/core';
import { type Job, UnrecoverableError } from 'bullmq';
import { writeResults } from '../batch-results.ts';
import type { StageDeps } from '../deps.ts';
import { deliverSigned } from './deliver-signed.ts';

export async function processBatchCompleted(job: Job<BatchNotifyJob>, deps: StageDeps): Promise<string> {
  const { batchId, round } = job.data;
  let batch = await deps.batches.get(batchId);
  if (!batch) return 'no such batch';
  if (batch.round !== round || batch.state === 'in_progress') return 'superseded: the batch moved on';
  if (batch.manifestRound !== round) {
    const written = await writeResults(deps, batchId);
    if (!(await deps.lifecycle.recordManifest(batchId, round, written)))
      return 'superseded: the batch moved on';
    deps.log.info({ batchId, round, key: written.key, lines: written.lines }, 'batch results file written');
    batch = { ...batch, manifest: { bucket: written.bucket, key: written.key }, manifestRound: round };
  }
  const url = batch.webhook?.url;
  if (!batch.wantsCompleted || !url) return 'results written; no webhook target';
  if (batch.delivery && batch.delivery !== 'pending') return `already ${batch.delivery}`;
  const attempt = job.attemptsMade + 1;
  if (!deps.webhook.secrets.length) {
    await deps.lifecycle.batchDeliveryAttempted(batchId, round, 'exhausted', {
      attempt,
      at: deps.now(),
      error: 'REELAY_NOTIFY_NO_SECRET',
      latencyMs: 0,
    });
    deps.log.error({ batchId }, 'WEBHOOK_SIGNING_SECRET is not set: batch.completed not sent');
    throw new UnrecoverableError('WEBHOOK_SIGNING_SECRET is not set');
  }

  return deliverSigned(deps, job, {
    url,
    body: JSON.stringify(batchCompletedEvent(batch, deps.now())),
    webhookId: batchWebhookId(batchId, round),
    context: { batchId, round, event: 'batch.completed' },
    record: (state, logged) => deps.lifecycle.batchDeliveryAttempted(batchId, round, state, logged),
  });
}

/** The body of batch.completed: a pure function of the batch and the clock. */
export function batchCompletedEvent(batch: BatchRecord, now: number): BatchCompletedEvent {
  const view = toBatch(batch);
  return {
    type: 'batch.completed',
    timestamp: new Date(now).toISOString(),
    data: {
      id: view.id,
      tenant: view.tenant,
      state: view.state,
      counts: view.counts,
      metadata: view.metadata ?? {},
      costUsd: view.costUsd,
      manifest: view.manifest!,
    },
  };
}
