/**
 * The two Vtrix endpoints as decisions: request in, `ApiReply` out, no sockets. Order per
 * request: auth (401) → injected 429 → injected 5xx → endpoint logic. Only what passes all
 * three counts as a create or a poll. The reply's envelope (or not) is drawn last.
 */
import { createHash } from 'node:crypto';
import { checkCreateBody } from './create-request.ts';
import {
  type ApiReply,
  accountRefusal,
  invalidParameter,
  rateLimited,
  serverError,
  taskNotFound,
  unauthorized,
} from './error-bodies.ts';
import { signedFilePath } from './signed-url.ts';
import { nextRequestId, notePoll, type SimulatorState } from './simulator-state.ts';
import { drawTask, newTaskId, type Task, taskPhase } from './task-model.ts';
import { createReply, pollReply, type TaskBody, wrapInEnvelope } from './task-replies.ts';

export interface CreateRequest {
  authorization: string | undefined;
  generationId: string | undefined;
  body: Buffer;
}

export interface PollRequest {
  authorization: string | undefined;
  taskId: string;
  /** `http://host:port` the client used, so result URLs point back at us. */
  origin: string;
}

/** With no key configured any non-empty bearer passes; a missing header never does. */
export function isAuthorized(header: string | undefined, apiKey: string | undefined): boolean {
  const match = /^Bearer\s+(\S.*)$/i.exec(header ?? '');
  const token = match?.[1]?.trim();
  if (!token) return false;
  return apiKey === undefined || token === apiKey;
}

function gate(
  state: SimulatorState,
  authorization: string | undefined,
  requestId: string,
): ApiReply | undefined {
  const { config, rng } = state;
  if (!isAuthorized(authorization, config.apiKey)) return unauthorized(requestId);
  if (rng.chance(config.rateLimitRate)) {
    state.counts.rateLimited++;
    return rateLimited(config.retryAfterS, config.retryAfterForm, state.now(), requestId);
  }
  if (rng.chance(config.serverErrorRate)) {
    state.counts.serverErrors++;
    return serverError(rng.uint32(), requestId);
  }
  return undefined;
}

function ok(state: SimulatorState, body: TaskBody): ApiReply {
  return { status: 200, body: state.rng.chance(state.config.envelopeRate) ? wrapInEnvelope(body) : body };
}

export function answerCreate(state: SimulatorState, request: CreateRequest): ApiReply {
  const requestId = nextRequestId(state);
  const refused = gate(state, request.authorization, requestId);
  if (refused) return refused;
  if (state.config.accountState !== 'ok') {
    state.counts.accountRefusals++;
    return accountRefusal(state.config.accountState, requestId);
  }
  if (state.config.rejectCreates > 0) {
    state.config = { ...state.config, rejectCreates: state.config.rejectCreates - 1 };
    return invalidParameter('The request parameter is invalid (simulated rejection).', requestId);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    return invalidParameter('body: must be valid JSON', requestId);
  }
  const check = checkCreateBody(parsed);
  if (!check.ok) return invalidParameter(check.message, requestId);

  let id = newTaskId(state.rng);
  while (state.tasks.has(id)) id = newTaskId(state.rng);
  const task = drawTask(
    { id, createdAt: state.now(), videoSeconds: check.videoSeconds },
    state.config,
    state.rng,
  );
  state.tasks.set(id, task);
  state.counts.creates++;
  const key = request.generationId || `sha256:${createHash('sha256').update(request.body).digest('hex')}`;
  state.createsByGeneration.set(key, (state.createsByGeneration.get(key) ?? 0) + 1);
  if (state.rng.chance(state.config.lostCreateReplyRate)) {
    state.counts.serverErrors++;
    return serverError(state.rng.uint32(), requestId);
  }
  return ok(state, createReply(task, state.config.statusVariants));
}

export function answerPoll(state: SimulatorState, request: PollRequest): ApiReply {
  const requestId = nextRequestId(state);
  const refused = gate(state, request.authorization, requestId);
  if (refused) return refused;
  state.counts.polls++;
  const now = state.now();
  notePoll(state, now);
  const task = state.tasks.get(request.taskId);
  if (!task) return taskNotFound();
  // Task data expires (DashScope keeps it 24 h): the upstream then no longer knows the task.
  if (state.config.taskTtlMs > 0 && now - task.createdAt >= state.config.taskTtlMs) return taskNotFound();
  const phase = taskPhase(task, now);
  const resultUrl = phase.state === 'completed' ? mintUrl(state, task, now, request.origin) : undefined;
  return ok(state, pollReply(task, phase, { statusVariants: state.config.statusVariants, resultUrl }));
}

/** Every poll of a completed task mints a fresh URL; with expireFirstUrl the first is born expired. */
export function mintUrl(state: SimulatorState, task: Task, now: number, origin: string): string {
  task.urlsMinted++;
  const expired = state.config.expireFirstUrl && task.urlsMinted === 1;
  const expiresAt = expired ? now - 1 : now + state.config.urlTtlMs;
  return (state.config.videoOrigin ?? origin) + signedFilePath(state.secret, task.id, expiresAt);
}
