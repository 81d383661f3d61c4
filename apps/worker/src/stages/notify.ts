/**
 * Stage `notify`: consumes NotifyJob { generationId, event } and POSTs the signed event to the
 * generation's webhook URL (Standard Webhooks; the same webhook-id on every attempt).
 * Delivery is its own track in the record (pending → delivered | exhausted | gone, with every
 * attempt logged): it never changes the generation's state. Retries follow the delivery
 * schedule through BullMQ's backoff; 410 stops; exhausted jobs stay in the failed set.
 * Only an event whose delivery track a lifecycle move opened is sent (deliveryDue): a notify job
 * that no move queued (added by hand, say) signs nothing.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  type BatchNotifyJob,
  type GenerationNotifyJob,
  type NotifyJob,
  webhookIdFor,
} from '@reelay/contracts';
import { deliveryDue, type GenerationRecord } from '@reelay/core';
import { type Job, UnrecoverableError } from 'bullmq';
import { buildEvent } from '../build-event.ts';
import type { StageDeps } from '../deps.ts';
import { processBatchCompleted } from './batch-completed.ts';
import { deliverSigned } from './deliver-signed.ts';
import { DeliveryRetryError, isDeliveryRetry } from './delivery-retry.ts';

export { DeliveryRetryError, isDeliveryRetry };

export async function processNotify(job: Job<NotifyJob>, deps: StageDeps): Promise<string> {
  if ('batchId' in job.data) return processBatchCompleted(job as Job<BatchNotifyJob>, deps);
  const { generationId: id, event } = job.data;
  const record = await deps.store.get(id, { attempts: false });
  if (!record) return 'no such generation';
  const url = record.webhook?.url;
  if (!url) return 'no webhook target';
  if (!deliveryDue(record, event)) {
    deps.log.warn(
      { generationId: id, event, state: record.state },
      'notify job for an event no lifecycle move queued: not sent',
    );
    throw new UnrecoverableError(
      `REELAY_NOTIFY_NOT_DUE: ${event} is not due for a generation that is ${record.state}`,
    );
  }
  const attempt = job.attemptsMade + 1;
  if (!deps.webhook.secrets.length) {
    await deps.lifecycle.deliveryAttempted(id, event, 'exhausted', {
      attempt,
      at: deps.now(),
      error: 'REELAY_NOTIFY_NO_SECRET',
      latencyMs: 0,
    });
    deps.log.error({ generationId: id, event }, 'WEBHOOK_SIGNING_SECRET is not set: webhook not sent');
    throw new UnrecoverableError('WEBHOOK_SIGNING_SECRET is not set');
  }

  const body = JSON.stringify(buildEvent(record, event, deps.now(), await downloadUrl(deps, record, event)));
  return deliverSigned(deps, job, {
    url,
    body,
    webhookId: webhookIdFor(id, event),
    context: { generationId: id, event },
    record: (state, logged) => deps.lifecycle.deliveryAttempted(id, event, state, logged),
  });
}

/** A presigned GET URL for the stored video, when WEBHOOK_PRESIGN_TTL_S asks for one (fresh per attempt). */
async function downloadUrl(
  deps: StageDeps,
  record: GenerationRecord,
  event: GenerationNotifyJob['event'],
): Promise<string | undefined> {
  if (!deps.webhook.presignTtlS || event !== 'generation.succeeded' || !record.output) return undefined;
  const command = new GetObjectCommand({ Bucket: record.output.bucket, Key: record.output.key });
  return getSignedUrl(deps.s3.client, command, { expiresIn: deps.webhook.presignTtlS });
}
