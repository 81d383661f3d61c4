// The normalized shapes the client returns, whatever variant the upstream replied with.

/** What a successful create returns. */
export type CreatedTask = {
  id: string;
  /** The raw status string of the reply (`in_progress`, `PENDING`, …); `unknown` when absent. */
  upstreamStatus: string;
  /** Creation time as the upstream reports it (milliseconds in Vtrix examples). */
  createdAt?: number;
};

export type VtrixTaskStatus = 'running' | 'completed' | 'failed';

/** One read of an upstream task. */
export type VtrixTask = {
  id: string;
  /** Normalized: anything not terminal is `running`; canceled tasks are `failed` with code `CANCELED`. */
  status: VtrixTaskStatus;
  /** The raw status string. */
  upstreamStatus: string;
  /** 0..1 while running, when the upstream reports it. */
  progress?: number;
  /** The first output content of type `video` or `video_url`; always present when completed. */
  video?: { url: string; durationS?: number };
  /** Present when failed: the upstream's code (as a string) and message, or Reelay defaults. */
  error?: { code: string; message: string };
  /** `usage.cost` as a string, when present and non-empty. */
  cost?: string;
};
