import { brandError, ERRORS, type ReelayErrorCode, type StageName } from '@reelay/contracts';

/**
 * The codes of Reelay's own stage errors. Their kind, resumability and default message are in
 * the catalogue (@reelay/contracts ERRORS): `final` errors fail the generation at once;
 * `transient` ones are retried by BullMQ with backoff until the stage's attempts run out.
 */
const STAGE_ERROR_CODES = [
  'REELAY_POLL_DEADLINE',
  'REELAY_SUBMIT_UNCERTAIN',
  'REELAY_UPSTREAM_TASK_FAILED',
  'REELAY_SINK_NO_VIDEO_URL',
  'REELAY_SINK_DOWNLOAD_FAILED',
  'REELAY_SINK_URL_EXPIRED',
  'REELAY_SINK_SIZE_MISMATCH',
  'REELAY_SINK_UPLOAD_FAILED',
  'REELAY_SINK_DOWNLOAD_BLOCKED',
  'REELAY_SINK_VIDEO_TOO_LARGE',
  'REELAY_NOTIFY_NO_SECRET',
] as const satisfies readonly ReelayErrorCode[];
export type StageErrorCode = (typeof STAGE_ERROR_CODES)[number];

export class StageError extends Error {
  readonly code: StageErrorCode;
  readonly stage: StageName;
  readonly kind: (typeof ERRORS)[StageErrorCode]['kind'];
  readonly upstreamCode: string | undefined;
  readonly resumable: boolean;
  /** What the upstream reported the failed task cost (µUSD), for the tenant's budget. */
  readonly costMicroUsd: number | undefined;
  constructor(
    stage: StageName,
    code: StageErrorCode,
    detail?: string,
    opts: { upstreamCode?: string | undefined; costMicroUsd?: number | undefined; cause?: unknown } = {},
  ) {
    const spec = ERRORS[code];
    super(detail ?? spec.meaning, { cause: opts.cause });
    this.name = 'StageError';
    this.code = code;
    this.stage = stage;
    this.kind = spec.kind;
    this.upstreamCode = opts.upstreamCode;
    this.costMicroUsd = opts.costMicroUsd;
    this.resumable = spec.resumable;
  }
}

export const isStageError = brandError('stage.error', StageError);
