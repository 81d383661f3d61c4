import type { StageName } from '@reelay/contracts';

/**
 * Reelay's own stage errors. `final` errors fail the generation at once; `transient` ones are
 * retried by BullMQ with backoff until the stage's attempts run out.
 */
export const STAGE_ERRORS = {
  // Resumable: the task may still finish upstream; an operator's retry polls it again.
  REELAY_POLL_DEADLINE: {
    kind: 'final',
    message: 'the upstream task did not finish before the poll deadline',
    resumable: true,
  },
  // Resumable: an operator who checked the upstream account may retry, accepting the risk.
  REELAY_SUBMIT_UNCERTAIN: {
    kind: 'final',
    message: 'an earlier create got no answer and SUBMIT_UNCERTAIN=fail',
    resumable: true,
  },
  REELAY_UPSTREAM_TASK_FAILED: { kind: 'final', message: 'the upstream task failed', resumable: false },
  REELAY_SINK_NO_VIDEO_URL: {
    kind: 'final',
    message: 'the upstream task has no video URL to copy',
    resumable: false,
  },
  REELAY_SINK_DOWNLOAD_FAILED: { kind: 'transient', message: 'downloading the video failed' },
  REELAY_SINK_URL_EXPIRED: {
    kind: 'transient',
    message: 'the video URL stayed expired after refreshing it from the task',
  },
  REELAY_SINK_SIZE_MISMATCH: {
    kind: 'transient',
    message: 'the copied size differs from the announced size',
  },
  REELAY_SINK_UPLOAD_FAILED: { kind: 'transient', message: 'uploading the video to S3 failed' },
  REELAY_NOTIFY_NO_SECRET: {
    kind: 'final',
    message: 'WEBHOOK_SIGNING_SECRET is not set, so no webhook can be signed',
    resumable: true,
  },
} as const satisfies Record<string, { kind: 'final' | 'transient'; message: string; resumable?: boolean }>;
export type StageErrorCode = keyof typeof STAGE_ERRORS;

const BRAND = Symbol.for('reelay.stage.error');

export class StageError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly stage: StageName;
  readonly kind: 'final' | 'transient';
  readonly upstreamCode: string | undefined;
  readonly resumable: boolean;
  constructor(
    stage: StageName,
    code: StageErrorCode,
    detail?: string,
    opts: { upstreamCode?: string; cause?: unknown } = {},
  ) {
    super(detail ?? STAGE_ERRORS[code].message, { cause: opts.cause });
    this.name = 'StageError';
    this.code = code;
    this.stage = stage;
    this.kind = STAGE_ERRORS[code].kind;
    this.upstreamCode = opts.upstreamCode;
    const entry = STAGE_ERRORS[code];
    this.resumable = 'resumable' in entry ? entry.resumable : true;
  }
}

export const isStageError = (e: unknown): e is StageError =>
  typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
