import type { S3Client } from '@aws-sdk/client-s3';
import type {
  BatchStore,
  Lifecycle,
  Logger,
  Metrics,
  PollSchedule,
  StageQueues,
  StatusStore,
} from '@reelay/core';
import type { VtrixClient } from '@reelay/vtrix';
import type { DeliveryPolicy, WebhookSender } from '@reelay/webhooks';
import type { Dispatcher } from 'undici';
import type { UpstreamGate } from './upstream-gate.ts';

export type S3Target = { client: S3Client; bucket: string; keyPrefix: string; partSizeBytes: number };

/**
 * Everything a stage talks to, passed in (dependencies through factories and narrow
 * interfaces), so the same processors run in the worker process, the demo and the tests.
 */
export type StageDeps = {
  /** Reads records. */
  store: StatusStore;
  /** Reads batches (a finished batch's results file and batch.completed). */
  batches: BatchStore;
  /** Changes them: every write of a record is one of its verbs (packages/core/src/lifecycle). */
  lifecycle: Lifecycle;
  /** The stage queues, for pausing one on a 429. */
  queues: StageQueues;
  vtrix: VtrixClient;
  s3: S3Target;
  /** Downloads of result videos (video-downloads.ts): guarded, its own pool and timeouts. */
  downloads: Dispatcher;
  /** MAX_VIDEO_BYTES: a larger video fails the generation and nothing is stored. */
  maxVideoBytes: number;
  webhook: { sender: WebhookSender; secrets: string[]; policy: DeliveryPolicy; presignTtlS: number };
  poll: PollSchedule;
  maxInFlight: number;
  /** The upstream pause (circuit breaker): account failures pause every submit but one probe. */
  upstream: UpstreamGate;
  /** What a submit does after an unanswered create: create again (may bill twice) or fail. */
  uncertainSubmit: 'resubmit' | 'fail';
  log: Logger;
  metrics: Metrics;
  now: () => number;
  random: () => number;
};
