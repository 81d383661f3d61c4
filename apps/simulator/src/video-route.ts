/**
 * `GET|HEAD /files/<taskId>.mp4?expires=…&sig=…`: checks the signed URL (403 when expired or
 * tampered, like a storage bucket), then streams the task's video with its exact
 * Content-Length (or chunked without one: `videoContentLength: false`). `pipeline` carries backpressure from the socket back to the generator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { taskNotFound } from './error-bodies.ts';
import { sendJson } from './http-io.ts';
import { verifyFileUrl } from './signed-url.ts';
import type { SimulatorState } from './simulator-state.ts';
import { videoSize, videoStream } from './video.ts';

export async function serveVideo(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  taskId: string,
  query: URLSearchParams,
): Promise<void> {
  const check = verifyFileUrl(state.secret, taskId, query.get('expires'), query.get('sig'), state.now());
  if (!check.ok) {
    const message =
      check.error === 'expired' ? 'Request has expired.' : 'The request signature does not match.';
    sendJson(res, { status: 403, body: { code: 'AccessDenied', message } });
    return;
  }
  const task = state.tasks.get(taskId);
  if (!task) {
    sendJson(res, taskNotFound());
    return;
  }
  const { baseClip } = state;
  res.writeHead(200, {
    'content-type': 'video/mp4',
    ...(state.config.videoContentLength
      ? { 'content-length': videoSize(baseClip.length, task.id, task.videoBytes) }
      : {}),
    'cache-control': 'private, no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  state.counts.downloads++;
  // A client that hangs up mid-stream is routine (the sink's retry path, or its size cap),
  // not an error here: only counted.
  await pipeline(videoStream(baseClip, task.id, task.videoBytes), res).catch(() => {
    state.counts.downloadsCut++;
  });
}
