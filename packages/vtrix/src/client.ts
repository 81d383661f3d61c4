// The Vtrix client: createTask and getTask over one keep-alive undici Agent. A thin I/O
// shell; what a reply means is decided by interpretReply, normalizeCreated and
// normalizeTask. Every failure surfaces as a VtrixError with the API key scrubbed out.
// No retries here: the stages decide (a second create is a second paid task).

import { Agent, type Dispatcher } from 'undici';
import type { VtrixOperation } from './classify-http.ts';
import { classifyNetworkError } from './classify-network.ts';
import { resolveOptions, type VtrixClientOptions } from './client-options.ts';
import { isVtrixError } from './errors.ts';
import { interpretReply } from './interpret-reply.ts';
import { normalizeCreated } from './normalize-created.ts';
import { normalizeTask } from './normalize-task.ts';
import { readCapped } from './read-body.ts';
import { withoutSecret } from './redact.ts';
import type { CreatedTask, VtrixTask } from './types.ts';

export interface CreateTaskOptions {
  /** Sent as `X-Reelay-Generation-Id` (ignored by Vtrix; the simulator counts creates by it). */
  generationId?: string;
  signal?: AbortSignal;
}

export interface GetTaskOptions {
  signal?: AbortSignal;
}

export interface VtrixClient {
  /** Creates an upstream task from the object Vtrix calls `input[0].params`. */
  createTask(params: unknown, opts?: CreateTaskOptions): Promise<CreatedTask>;
  getTask(taskId: string, opts?: GetTaskOptions): Promise<VtrixTask>;
  /** Closes the client's own connections (not an injected dispatcher). */
  close(): Promise<void>;
}

export const GENERATION_ID_HEADER = 'x-reelay-generation-id';

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  operation: VtrixOperation;
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function createVtrixClient(options: VtrixClientOptions): VtrixClient {
  const config = resolveOptions(options);
  const ownAgent = config.dispatcher
    ? undefined
    : new Agent({
        connections: config.connections,
        connect: { timeout: config.connectTimeoutMs },
        headersTimeout: config.headersTimeoutMs,
        bodyTimeout: config.bodyTimeoutMs,
      });
  const dispatcher: Dispatcher = config.dispatcher ?? ownAgent!;
  let closing: Promise<void> | undefined;

  async function call(req: Call): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: config.origin,
        path: config.basePath + req.path,
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: req.signal ?? null,
        // Per request as well, so the limits hold with an injected dispatcher too.
        headersTimeout: config.headersTimeoutMs,
        bodyTimeout: config.bodyTimeoutMs,
      });
    } catch (err) {
      throw withoutSecret(classifyNetworkError(err), config.apiKey);
    }

    let body: Awaited<ReturnType<typeof readCapped>>;
    try {
      // Error bodies are read too: an unconsumed body would hold its socket.
      body = await readCapped(response.body, config.maxResponseBytes, response.headers['content-length']);
    } catch (err) {
      throw withoutSecret(classifyNetworkError(err), config.apiKey);
    }

    const result = interpretReply({
      status: response.statusCode,
      headers: response.headers,
      text: body.text,
      truncated: body.truncated,
      now: config.now(),
      operation: req.operation,
    });
    if (!result.ok) throw withoutSecret(result.error, config.apiKey);
    return result.json;
  }

  function scrubbed<T>(read: () => T): T {
    try {
      return read();
    } catch (err) {
      throw isVtrixError(err) ? withoutSecret(err, config.apiKey) : err;
    }
  }

  return {
    async createTask(params, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.generationId !== undefined) {
        if (!VISIBLE_ASCII.test(opts.generationId)) {
          throw new TypeError('generationId must be visible ASCII without spaces');
        }
        headers[GENERATION_ID_HEADER] = opts.generationId;
      }
      const body = JSON.stringify({ model: config.model, input: [{ params }] });
      const json = await call({
        method: 'POST',
        path: '/model/v1/generation',
        operation: 'create',
        body,
        headers,
        signal: opts.signal,
      });
      return scrubbed(() => normalizeCreated(json));
    },

    async getTask(taskId, opts = {}) {
      if (typeof taskId !== 'string' || taskId === '')
        throw new TypeError('taskId must be a non-empty string');
      const json = await call({
        method: 'GET',
        path: `/model/v1/generation/task/${encodeURIComponent(taskId)}`,
        operation: 'poll',
        signal: opts.signal,
      });
      return scrubbed(() => normalizeTask(json));
    },

    close() {
      closing ??= ownAgent ? ownAgent.close() : Promise.resolve();
      return closing;
    },
  };
}
