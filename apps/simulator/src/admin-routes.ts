/**
 * `/_sim/*`: read and change the switches at runtime, read counters, reset. No auth: the
 * simulator binds loopback by default and is a development tool.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyConfigPatch, describeIssues } from './config.ts';
import { type ApiReply, methodNotAllowed, payloadTooLarge, routeNotFound } from './error-bodies.ts';
import { BODY_LIMIT, readBody, sendJson } from './http-io.ts';
import { resetState, type SimulatorState, statsOf } from './simulator-state.ts';

export async function serveAdmin(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  sendJson(res, await answerAdmin(state, req, path));
}

async function answerAdmin(state: SimulatorState, req: IncomingMessage, path: string): Promise<ApiReply> {
  switch (path) {
    case '/_sim/config':
      if (req.method === 'GET') return { status: 200, body: state.config };
      if (req.method === 'POST') return patchConfig(state, req);
      return methodNotAllowed('GET, POST');
    case '/_sim/stats':
      return req.method === 'GET' ? { status: 200, body: statsOf(state) } : methodNotAllowed('GET');
    case '/_sim/reset':
      if (req.method !== 'POST') return methodNotAllowed('POST');
      resetState(state);
      return { status: 200, body: { reset: true } };
    default:
      return routeNotFound();
  }
}

async function patchConfig(state: SimulatorState, req: IncomingMessage): Promise<ApiReply> {
  const read = await readBody(req);
  if (!read.ok) return payloadTooLarge(BODY_LIMIT, 'admin');
  let patch: unknown;
  try {
    patch = JSON.parse(read.body.toString('utf8'));
  } catch {
    return invalid([{ field: 'body', message: 'must be valid JSON' }]);
  }
  const result = applyConfigPatch(state.config, patch);
  if (!result.ok) return invalid(result.issues);
  state.config = result.config;
  return { status: 200, body: state.config };
}

function invalid(issues: { field: string; message: string }[]): ApiReply {
  return { status: 400, body: { code: 'InvalidParameter', message: describeIssues(issues), issues } };
}
