/**
 * A finished batch (notify queue, BatchNotifyJob { batchId, round }): first its results file is
 * written to S3 and recorded in the batch, then `batch.completed` is delivered to the batch's
 * target like any event (Standard Webhooks, one webhook-id across retries, the delivery
 * schedule, 410 stops). A retry after the file is recorded only re-sends; a job of a round the
 * batch has left (an operator resumed a member since) does nothing.
 */
import { type BatchCompletedEvent, type BatchNotifyJob, batchWebhookId } from '@reelay/contracts';
import { type BatchRecord, toBatch } from '@reelay/core';
import { decideDelivery, webhookHeaders } from '@reelay/webhooks';
import { type Job, UnrecoverableError } from 'bullmq';
import { writeResults } from '../batch-results.ts';
import type { StageDeps } from '../deps.ts';
import { DeliveryRetryError } from './delivery-retry.ts';

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

  const now = deps.now();
  const body = JSON.stringify(batchCompletedEvent(batch, now));
  const headers = webhookHeaders({
    id: batchWebhookId(batchId, round),
    timestamp: Math.floor(now / 1000),
    body,
    secrets: deps.webhook.secrets,
  });
  const outcome = await deps.webhook.sender.send({ url, body, headers: { ...headers } });
  let decision = decideDelivery(outcome, attempt, deps.webhook.policy, deps.random, deps.now());
  if (decision.kind === 'retry' && attempt >= (job.opts.attempts ?? 1)) decision = { kind: 'exhausted' };
  await deps.lifecycle.batchDeliveryAttempted(
    batchId,
    round,
    decision.kind === 'retry' ? 'pending' : decision.kind,
    {
      attempt,
      at: now,
      latencyMs: outcome.latencyMs,
      ...(outcome.status ? { status: outcome.status } : {}),
      ...(outcome.error ? { error: outcome.error.code } : {}),
    },
  );
  deps.metrics.webhookDeliveries.inc({ outcome: decision.kind });
  const ctx = { batchId, round, attempt, status: outcome.status, code: outcome.error?.code };
  switch (decision.kind) {
    case 'delivered':
      deps.log.info(ctx, 'batch.completed delivered');
      return 'delivered';
    case 'retry':
      deps.log.warn({ ...ctx, retryInMs: decision.delayMs }, 'batch.completed delivery failed; will retry');
      throw new DeliveryRetryError(
        outcome.error?.message ?? `receiver answered ${outcome.status}`,
        decision.delayMs,
      );
    case 'gone':
      deps.log.warn(ctx, 'receiver answered 410 Gone: delivery stopped');
      throw new UnrecoverableError('receiver answered 410 Gone');
    case 'exhausted':
      deps.log.error(ctx, 'batch.completed delivery exhausted every retry');
      throw new UnrecoverableError(`delivery exhausted after ${attempt} attempts`);
  }
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
