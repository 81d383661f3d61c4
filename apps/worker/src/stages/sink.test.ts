import { createHash } from 'node:crypto';
import type { SinkJob } from '@reelay/contracts';
import { VtrixError, type VtrixTask } from '@reelay/vtrix';
import { WebhookBlockedAddressError } from '@reelay/webhooks';
import { RateLimitError, UnrecoverableError } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import {
  type FakeOptions,
  type FakeStageDeps,
  fakeJob,
  fakeStageDeps,
  VIDEO_ORIGIN,
} from '../test-stage-deps.ts';
import { processSink } from './sink.ts';

const OLD_PATH = '/v/1.mp4?sig=old';
const NEW_PATH = '/v/1.mp4?sig=new';
const copying = recordOf({
  state: 'copying',
  pollN: 2,
  upstream: { taskId: 't1', submittedAt: 10_000, submitIntents: 1 },
  videoUrl: `${VIDEO_ORIGIN}${OLD_PATH}`,
});
const id = copying.id;
const KEY = `out/${id}.mp4`;
const VIDEO = Buffer.from('0123456789');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const completed = (path = NEW_PATH): VtrixTask => ({
  id: 't1',
  status: 'completed',
  upstreamStatus: 'success',
  video: { url: `${VIDEO_ORIGIN}${path}` },
});

let fakes: FakeStageDeps[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.downloads.close()));
  fakes = [];
});

function run(
  opts: FakeOptions,
  job: { attemptsMade?: number; attempts?: number } = {},
  signal?: AbortSignal,
) {
  const fake = fakeStageDeps({ record: copying, ...opts });
  fakes.push(fake);
  const { job: j } = fakeJob<SinkJob>({ generationId: id }, { id: `${id}.sink`, ...job });
  return { fake, job: j, start: () => processSink(j, fake.deps, undefined, signal) };
}

/** The video URL at `path` answers `status` (with the video on a 200). */
function serve(
  fake: FakeStageDeps,
  path: string,
  status: number,
  body: Buffer = VIDEO,
  length = body.length,
) {
  fake.downloads
    .get(VIDEO_ORIGIN)
    .intercept({ path, method: 'GET' })
    .reply(status, status === 200 ? body : '', {
      headers: status === 200 ? { 'content-length': String(length) } : {},
    });
}

const expectedOutput = (body: Buffer) => ({
  bucket: 'videos',
  key: KEY,
  uri: `s3://videos/${KEY}`,
  size: body.length,
  sha256: sha(body),
  contentType: 'video/mp4',
});

describe('processSink: deciding', () => {
  it('a generation not copying gets its terminal event ensured, and nothing else', async () => {
    const succeeded = { ...copying, state: 'succeeded' as const };
    const { fake, start } = run({ record: succeeded });
    await expect(start()).resolves.toBe('generation is succeeded');
    expect(fake.verbs()).toEqual(['resume', 'ensureTerminalEvent']);
    expect(fake.argsOf('ensureTerminalEvent')).toEqual([[succeeded]]);
    expect(fake.getTasks).toEqual([]);
    expect(fake.s3Calls).toEqual([]);
  });

  it('a missing record does nothing', async () => {
    const { fake, start } = run({ record: undefined });
    await expect(start()).resolves.toBe('no such generation');
    expect(fake.calls).toEqual([]);
  });

  it('calls resume with (record, sink, job) and copies for the record it returns', async () => {
    const failed = recordOf({
      ...copying,
      state: 'failed',
      error: { stage: 'sink', code: 'REELAY_SINK_UPLOAD_FAILED', message: 'x', resumable: true },
      failedBy: { jobId: `${id}.sink`, attemptsMade: 0 },
    });
    const { fake, job, start } = run({ record: failed, resumed: copying }, { attemptsMade: 1 });
    serve(fake, OLD_PATH, 200);
    await expect(start()).resolves.toBe('stored 10 bytes');
    expect(fake.calls[0]).toEqual({ verb: 'resume', args: [failed, 'sink', job] });
    expect(fake.argsOf('stored')[0]![0]).toBe(copying);
  });
});

describe('processSink: copying', () => {
  it('streams the recorded URL into S3 in one PutObject and records the output (stored)', async () => {
    const { fake, start } = run({}, { attemptsMade: 1 });
    serve(fake, OLD_PATH, 200);
    await expect(start()).resolves.toBe('stored 10 bytes');
    expect(fake.getTasks).toEqual([]);
    expect(fake.s3Calls).toEqual([
      {
        command: 'PutObjectCommand',
        input: expect.objectContaining({
          Bucket: 'videos',
          Key: KEY,
          ContentLength: 10,
          ContentType: 'video/mp4',
          Metadata: { 'generation-id': id, 'task-id': 't1' },
        }),
      },
    ]);
    expect(Buffer.from(fake.s3Calls[0]!.input.Body as Uint8Array)).toEqual(VIDEO);
    // The sink's attempt count is this run's: attemptsMade + 1.
    expect(fake.argsOf('stored')).toEqual([[copying, expectedOutput(VIDEO), 2]]);
    expect(fake.verbs()).toEqual(['resume', 'stored']);
  });

  it('a video larger than one part goes up as a multipart upload, hashed whole', async () => {
    const { fake, start } = run({ partSizeBytes: 4 });
    serve(fake, OLD_PATH, 200);
    await expect(start()).resolves.toBe('stored 10 bytes');
    expect(fake.s3Calls.map((c) => c.command)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(fake.s3Calls.at(-1)!.input.MultipartUpload).toEqual({
      Parts: [1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"etag-${n}"` })),
    });
    expect(fake.argsOf('stored')[0]![1]).toEqual(expectedOutput(VIDEO));
  });

  it('a refused stored (moved on during the copy) returns what the repair did', async () => {
    const { start, fake } = run({
      lifecycle: {
        stored: {
          ok: false,
          reason: 'state',
          current: 'canceled',
          repaired: 'moved on; canceled, event ensured',
        },
      },
    });
    serve(fake, OLD_PATH, 200);
    await expect(start()).resolves.toBe('moved on; canceled, event ensured');
  });

  it('no URL recorded: reads the task for one first (urlRefreshed), then copies', async () => {
    const { videoUrl: _u, ...noUrl } = copying;
    const { fake, start } = run({ record: noUrl, tasks: [completed()] });
    serve(fake, NEW_PATH, 200);
    await expect(start()).resolves.toBe('stored 10 bytes');
    expect(fake.getTasks).toEqual([{ taskId: 't1', opts: undefined }]);
    expect(fake.verbs()).toEqual(['resume', 'urlRefreshed', 'stored']);
    expect(fake.argsOf('urlRefreshed')).toEqual([[id, `${VIDEO_ORIGIN}${NEW_PATH}`]]);
  });

  it('an expired URL (403) is refreshed from the task (urlRefreshed) and the copy retried with the fresh one', async () => {
    const { fake, start } = run({ tasks: [completed()] });
    serve(fake, OLD_PATH, 403);
    serve(fake, NEW_PATH, 200);
    await expect(start()).resolves.toBe('stored 10 bytes');
    expect(fake.getTasks.map((g) => g.taskId)).toEqual(['t1']);
    expect(fake.verbs()).toEqual(['resume', 'urlRefreshed', 'stored']);
    expect(fake.argsOf('urlRefreshed')).toEqual([[id, `${VIDEO_ORIGIN}${NEW_PATH}`]]);
    fake.downloads.assertNoPendingInterceptors();
  });

  it('a URL still expired after two refreshes gives the attempt up (REELAY_SINK_URL_EXPIRED, transient)', async () => {
    const { fake, start } = run({ tasks: [completed('/v/2.mp4'), completed('/v/3.mp4')] }, { attempts: 3 });
    serve(fake, OLD_PATH, 403);
    serve(fake, '/v/2.mp4', 404);
    serve(fake, '/v/3.mp4', 403);
    await expect(start()).rejects.toMatchObject({ name: 'StageError', code: 'REELAY_SINK_URL_EXPIRED' });
    expect(fake.getTasks).toHaveLength(2);
    expect(fake.argsOf('urlRefreshed')).toHaveLength(2);
    // Attempts remain: retried by BullMQ, the generation untouched.
    expect(fake.argsOf('fail')).toEqual([]);
    expect(fake.s3Calls).toEqual([]);
  });

  it('a 429 on the URL refresh pauses the sink queue and spends no attempt (no failure, even on the last one)', async () => {
    const { fake, start } = run(
      { tasks: [new VtrixError('REELAY_UPSTREAM_RATE_LIMITED', { httpStatus: 429, retryAfterMs: 4_000 })] },
      { attemptsMade: 2, attempts: 3 },
    );
    serve(fake, OLD_PATH, 403);
    await expect(start()).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.rateLimits).toEqual({ submit: [], poll: [], sink: [4_000], notify: [] });
    expect(fake.verbs()).toEqual(['resume']);
  });

  it('a 429 on the first URL read (none recorded) pauses the sink queue the same way', async () => {
    const { videoUrl: _u, ...noUrl } = copying;
    const { fake, start } = run(
      { record: noUrl, tasks: [new VtrixError('REELAY_UPSTREAM_RATE_LIMITED', { httpStatus: 429 })] },
      { attemptsMade: 2, attempts: 3 },
    );
    await expect(start()).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.rateLimits.sink).toEqual([1_000]);
    expect(fake.argsOf('fail')).toEqual([]);
  });

  it('a refreshed task without a video fails the generation (REELAY_SINK_NO_VIDEO_URL, final, not resumable)', async () => {
    const { fake, start } = run({ tasks: [{ ...completed(), video: undefined } as VtrixTask] });
    serve(fake, OLD_PATH, 404);
    await expect(start()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('urlRefreshed')).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      stage: 'sink',
      code: 'REELAY_SINK_NO_VIDEO_URL',
      resumable: false,
    });
  });

  it('no URL and no task id to read one from: REELAY_SINK_NO_VIDEO_URL, no task read', async () => {
    const { videoUrl: _u, ...noUrl } = copying;
    const { fake, start } = run({ record: { ...noUrl, upstream: { submitIntents: 1 } } });
    await expect(start()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.getTasks).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({ code: 'REELAY_SINK_NO_VIDEO_URL' });
  });

  it('a 5xx download is retried while attempts remain, no failure', async () => {
    const { fake, start } = run({}, { attemptsMade: 0, attempts: 3 });
    serve(fake, OLD_PATH, 500);
    await expect(start()).rejects.toMatchObject({
      code: 'REELAY_SINK_DOWNLOAD_FAILED',
      message: 'video download answered 500',
    });
    expect(fake.verbs()).toEqual(['resume']);
    expect(fake.getTasks).toEqual([]);
  });

  it('a download that fails on the network is REELAY_SINK_DOWNLOAD_FAILED (transient), no refresh', async () => {
    const { fake, start } = run({}, { attemptsMade: 0, attempts: 3 });
    fake.downloads
      .get(VIDEO_ORIGIN)
      .intercept({ path: OLD_PATH, method: 'GET' })
      .replyWithError(new Error('socket hang up'));
    await expect(start()).rejects.toMatchObject({
      code: 'REELAY_SINK_DOWNLOAD_FAILED',
      message: 'video download failed: socket hang up',
    });
    expect(fake.getTasks).toEqual([]);
    expect(fake.argsOf('fail')).toEqual([]);
  });

  it('a copy interrupted by shutdown is no failure, even on the last attempt', async () => {
    const ac = new AbortController();
    ac.abort();
    const { fake, start } = run({}, { attemptsMade: 2, attempts: 3 }, ac.signal);
    serve(fake, OLD_PATH, 200);
    await expect(start()).rejects.toMatchObject({ code: 'REELAY_SINK_DOWNLOAD_FAILED' });
    expect(fake.argsOf('fail')).toEqual([]);
    expect(fake.argsOf('stored')).toEqual([]);
  });

  it('a 5xx download on the last attempt fails the generation resumably', async () => {
    const { fake, start } = run({}, { attemptsMade: 2, attempts: 3 });
    serve(fake, OLD_PATH, 500);
    await expect(start()).rejects.toMatchObject({ code: 'REELAY_SINK_DOWNLOAD_FAILED' });
    expect(fake.verbs()).toEqual(['resume', 'fail']);
    expect(fake.argsOf('fail')[0]!.slice(1)).toEqual([
      {
        stage: 'sink',
        code: 'REELAY_SINK_DOWNLOAD_FAILED',
        message: 'video download answered 500',
        resumable: true,
      },
      { jobId: `${id}.sink`, attemptsMade: 2 },
    ]);
  });

  it('a Content-Length over MAX_VIDEO_BYTES fails the generation at once (REELAY_SINK_VIDEO_TOO_LARGE), nothing stored', async () => {
    const { fake, start } = run({ maxVideoBytes: 9 }, { attemptsMade: 0, attempts: 3 });
    serve(fake, OLD_PATH, 200);
    await expect(start()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.s3Calls).toEqual([]);
    expect(fake.getTasks).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toEqual({
      stage: 'sink',
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      message:
        'the video URL announces 10 bytes (Content-Length), more than MAX_VIDEO_BYTES (9); nothing was downloaded',
      resumable: true,
    });
  });

  // The cut in the middle of a multipart upload, against s3rver: video-download-limits.int.test.ts.
  it('a body without Content-Length is cut once it passes MAX_VIDEO_BYTES, nothing stored', async () => {
    const { fake, start } = run({ maxVideoBytes: 9 });
    fake.downloads.get(VIDEO_ORIGIN).intercept({ path: OLD_PATH, method: 'GET' }).reply(200, VIDEO);
    await expect(start()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.s3Calls).toEqual([]);
    expect(fake.argsOf('stored')).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      message: 'the video passed MAX_VIDEO_BYTES (9) after 10 bytes; the download was cut',
    });
  });

  it('a video URL the guard refuses fails the generation at once (REELAY_SINK_DOWNLOAD_BLOCKED), no refresh', async () => {
    const { fake, start } = run({}, { attemptsMade: 0, attempts: 3 });
    fake.downloads
      .get(VIDEO_ORIGIN)
      .intercept({ path: OLD_PATH, method: 'GET' })
      .replyWithError(new WebhookBlockedAddressError('cdn.example.test', '10.0.0.7', 'private'));
    await expect(start()).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.getTasks).toEqual([]);
    expect(fake.s3Calls).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      code: 'REELAY_SINK_DOWNLOAD_BLOCKED',
      resumable: true,
    });
  });

  it('a body shorter than its Content-Length is REELAY_SINK_SIZE_MISMATCH and nothing is stored', async () => {
    const { fake, start } = run({}, { attemptsMade: 2, attempts: 3 });
    serve(fake, OLD_PATH, 200, VIDEO, 20);
    await expect(start()).rejects.toMatchObject({ code: 'REELAY_SINK_SIZE_MISMATCH' });
    expect(fake.s3Calls).toEqual([]);
    expect(fake.argsOf('stored')).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({ code: 'REELAY_SINK_SIZE_MISMATCH', resumable: true });
  });

  it('an S3 refusal is REELAY_SINK_UPLOAD_FAILED; a multipart upload is aborted, nothing stored', async () => {
    const { fake, start } = run({ partSizeBytes: 4, s3FailOn: 'UploadPartCommand' }, { attempts: 3 });
    serve(fake, OLD_PATH, 200);
    await expect(start()).rejects.toMatchObject({ code: 'REELAY_SINK_UPLOAD_FAILED' });
    expect(fake.s3Calls.map((c) => c.command)).toContain('AbortMultipartUploadCommand');
    expect(fake.s3Calls.map((c) => c.command)).not.toContain('CompleteMultipartUploadCommand');
    expect(fake.argsOf('stored')).toEqual([]);
    expect(fake.argsOf('fail')).toEqual([]);
  });

  it('a transient error on the URL refresh is retried; on the last attempt it fails resumably', async () => {
    const e = new VtrixError('REELAY_UPSTREAM_SERVER_ERROR', { httpStatus: 503 });
    const { fake, start } = run({ tasks: [e] }, { attemptsMade: 2, attempts: 3 });
    serve(fake, OLD_PATH, 403);
    await expect(start()).rejects.toBe(e);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      code: 'REELAY_UPSTREAM_SERVER_ERROR',
      resumable: true,
    });
    expect(fake.rateLimits.sink).toEqual([]);
  });
});
