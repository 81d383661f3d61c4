/**
 * Routing and the I/O shell around the decisions in api.ts: read the body, decide, wait
 * `latencyMs` (the effect has already happened, as when a slow upstream has created the task
 * but the reply is late), write the reply.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { serveAdmin } from './admin-routes.ts';
import { answerCreate, answerPoll } from './api.ts';
import { type ApiReply, methodNotAllowed, payloadTooLarge, routeNotFound } from './error-bodies.ts';
import { BODY_LIMIT, delay, readBody, sendJson } from './http-io.ts';
import { nextRequestId, type SimulatorState } from './simulator-state.ts';
import { serveVideo } from './video-route.ts';

const CREATE_PATH = '/model/v1/generation';
const POLL_PREFIX = '/model/v1/generation/task/';
const FILE_PATTERN = /^\/files\/([^/]+)\.mp4$/;

export interface ServerContext {
  state: SimulatorState;
  /** Aborts pending latency waits when the simulator closes. */
  signal: AbortSignal;
  /** Used for result URLs when a request carries no usable Host header. */
  fallbackOrigin: () => string;
}

export function createRequestListener(context: ServerContext): RequestListener {
  return (req, res) => {
    route(context, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, { status: 500, body: { message: `simulator error: ${message}` } });
      else res.destroy();
    });
  };
}

async function route(context: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = context;
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const path = url.pathname;

  if (path === CREATE_PATH) {
    if (req.method !== 'POST') return sendJson(res, methodNotAllowed('POST'));
    const read = await readBody(req);
    if (!read.ok) {
      if (read.reason === 'too-large')
        await reply(context, res, payloadTooLarge(BODY_LIMIT, nextRequestId(state)));
      return;
    }
    const generationId = req.headers['x-reelay-generation-id'];
    const answer = answerCreate(state, {
      authorization: req.headers.authorization,
      generationId: typeof generationId === 'string' ? generationId : undefined,
      body: read.body,
    });
    return reply(context, res, answer);
  }

  if (path.startsWith(POLL_PREFIX)) {
    if (req.method !== 'GET') return sendJson(res, methodNotAllowed('GET'));
    const taskId = decodeSegment(path.slice(POLL_PREFIX.length));
    if (taskId === undefined)
      return reply(context, res, { status: 404, body: { message: 'task not found' } });
    req.resume();
    const answer = answerPoll(state, {
      authorization: req.headers.authorization,
      taskId,
      origin: origin(context, req),
    });
    return reply(context, res, answer);
  }

  const file = FILE_PATTERN.exec(path);
  if (file) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, methodNotAllowed('GET, HEAD'));
    req.resume();
    const taskId = decodeSegment(file[1] ?? '');
    if (taskId === undefined) return sendJson(res, routeNotFound());
    return serveVideo(state, req, res, taskId, url.searchParams);
  }

  if (path.startsWith('/_sim/')) return serveAdmin(state, req, res, path);

  req.resume();
  sendJson(res, routeNotFound());
}

async function reply(context: ServerContext, res: ServerResponse, answer: ApiReply): Promise<void> {
  await delay(context.state.config.latencyMs, context.signal);
  sendJson(res, answer);
}

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.length > 0 && !decoded.includes('/') ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** The origin the client reached us by, so result URLs work behind Docker service names too. */
function origin(context: ServerContext, req: IncomingMessage): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : context.fallbackOrigin();
}
