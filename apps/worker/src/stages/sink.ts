/**
 * Stage `sink`: consumes SinkJob { generationId } for a generation in `copying`.
 * - streams the result video into S3 at `${S3_KEY_PREFIX}${id}.mp4` (one object per
 *   generation: a re-run overwrites the same key with the same bytes), sha256 on the way;
 * - an expired URL (403/404) is refreshed by reading the task again;
 * - the download is guarded (no private, loopback or link-local address unless
 *   UPSTREAM_ALLOW_PRIVATE_NETWORKS) and capped at MAX_VIDEO_BYTES: both fail the generation;
 * - lifecycle `stored`: copying → succeeded with the output, generation.succeeded queued.
 * A re-run that finds the generation already succeeded only makes sure the event is queued.
 */
import type { SinkJob } from '@reelay/contracts';
import type { RecordCore } from '@reelay/core';
import type { Job } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { runStage } from '../run-stage.ts';
import { copyToS3, isUrlExpired } from '../s3-copy.ts';
import { StageError } from '../stage-error.ts';

/** Fresh URLs fetched per attempt before giving the attempt up. */
const MAX_URL_REFRESHES = 2;

export function processSink(
  job: Job<SinkJob>,
  deps: StageDeps,
  _token?: string,
  signal?: AbortSignal,
): Promise<string> {
  return runStage(
    'sink',
    job,
    deps,
    async () => {
      const id = job.data.generationId;
      const stored = await deps.store.getCore(id);
      if (!stored) return 'no such generation';
      const record = await deps.lifecycle.resume(stored, 'sink', job);
      if (record.state !== 'copying') {
        await deps.lifecycle.ensureTerminalEvent(record);
        return `generation is ${record.state}`;
      }

      const key = `${deps.s3.keyPrefix}${id}.mp4`;
      const metadata = { 'generation-id': id, 'task-id': record.upstream.taskId ?? '' };
      let url = record.videoUrl ?? (await freshUrl(deps, record));
      for (let refresh = 0; ; refresh++) {
        try {
          const copied = await copyToS3(deps.downloads, url, deps.s3, key, metadata, {
            maxBytes: deps.maxVideoBytes,
            signal,
          });
          const output = {
            bucket: deps.s3.bucket,
            key,
            uri: `s3://${deps.s3.bucket}/${key}`,
            size: copied.size,
            sha256: copied.sha256,
            contentType: 'video/mp4',
          };
          const done = await deps.lifecycle.stored(record, output, job.attemptsMade + 1);
          if (!done.ok) return done.repaired;
          deps.log.info({ generationId: id, key, size: copied.size }, 'video stored');
          return `stored ${copied.size} bytes`;
        } catch (e) {
          if (!isUrlExpired(e)) throw e;
          if (refresh >= MAX_URL_REFRESHES)
            throw new StageError('sink', 'REELAY_SINK_URL_EXPIRED', undefined, { cause: e });
          deps.log.info(
            { generationId: id, refresh: refresh + 1 },
            'video URL expired; reading the task for a fresh one',
          );
          url = await freshUrl(deps, record);
        }
      }
    },
    signal,
  );
}

async function freshUrl(deps: StageDeps, record: RecordCore): Promise<string> {
  const taskId = record.upstream.taskId;
  if (!taskId)
    throw new StageError('sink', 'REELAY_SINK_NO_VIDEO_URL', 'no upstream task id to read a video URL from');
  const task = await deps.vtrix.getTask(taskId);
  if (!task.video?.url) throw new StageError('sink', 'REELAY_SINK_NO_VIDEO_URL');
  await deps.lifecycle.urlRefreshed(record.id, task.video.url);
  return task.video.url;
}
