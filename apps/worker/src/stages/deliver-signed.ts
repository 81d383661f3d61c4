import type { DeliveryAttempt, DeliveryState } from '@reelay/contracts';
import { decideDelivery, webhookHeaders } from '@reelay/webhooks';
import { type Job, UnrecoverableError } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { DeliveryRetryError } from './delivery-retry.ts';

/**
 * One attempt of one signed event, for a generation's events and a batch's alike: signs the body
 * (Standard Webhooks, the event's one `webhook-id`), sends it, decides by the delivery policy
 * (retry on the schedule, 410 stops, the job's last attempt exhausts), records the attempt on the
 * event's delivery track, then returns or throws what BullMQ needs: a DeliveryRetryError carries
 * the next delay, an UnrecoverableError ends the job.
 */
export async function deliverSigned(
  deps: StageDeps,
  job: Pick<Job, 'attemptsMade' | 'opts'>,
  event: {
    url: string;
    body: string;
    webhookId: string;
    /** Logged with every line: which generation or batch, and which event. */
    context: Record<string, unknown>;
    record(state: DeliveryState, attempt: DeliveryAttempt): Promise<unknown>;
  },
): Promise<'delivered'> {
  const attempt = job.attemptsMade + 1;
  const now = deps.now();
  const headers = webhookHeaders({
    id: event.webhookId,
    timestamp: Math.floor(now / 1000),
    body: event.body,
    secrets: deps.webhook.secrets,
  });
  const outcome = await deps.webhook.sender.send({
    url: event.url,
    body: event.body,
    headers: { ...headers },
  });
  // BullMQ's attempts and the schedule agree (attempts = schedule + 1); the smaller one wins.
  let decision = decideDelivery(outcome, attempt, deps.webhook.policy, deps.random, deps.now());
  if (decision.kind === 'retry' && attempt >= (job.opts.attempts ?? 1)) decision = { kind: 'exhausted' };

  await event.record(decision.kind === 'retry' ? 'pending' : decision.kind, {
    attempt,
    at: now,
    latencyMs: outcome.latencyMs,
    ...(outcome.status ? { status: outcome.status } : {}),
    ...(outcome.error ? { error: outcome.error.code } : {}),
  });
  deps.metrics.webhookDeliveries.inc({ outcome: decision.kind });
  const ctx = {
    ...event.context,
    attempt,
    status: outcome.status,
    code: outcome.error?.code,
    latencyMs: outcome.latencyMs,
  };
  switch (decision.kind) {
    case 'delivered':
      deps.log.info(ctx, 'webhook delivered');
      return 'delivered';
    case 'retry':
      deps.log.warn({ ...ctx, retryInMs: decision.delayMs }, 'webhook delivery failed; will retry');
      throw new DeliveryRetryError(
        outcome.error?.message ?? `receiver answered ${outcome.status}`,
        decision.delayMs,
      );
    case 'gone':
      deps.log.warn(ctx, 'receiver answered 410 Gone: delivery stopped');
      throw new UnrecoverableError('receiver answered 410 Gone');
    case 'exhausted':
      deps.log.error(ctx, 'webhook delivery exhausted every retry');
      throw new UnrecoverableError(`delivery exhausted after ${attempt} attempts`);
  }
}
