import { afterEach, describe, expect, it } from 'vitest';
import { createVtrixClient, GENERATION_ID_HEADER } from './client.ts';
import type { VtrixClientOptions } from './client-options.ts';
import { isVtrixError, type VtrixError } from './errors.ts';
import { type StubHandler, sendJson, startStubUpstream } from './testing/stub-upstream.ts';

const VIDEO = 'https://cdn.example.com/out.mp4';
const PARAMS = {
  input: {
    prompt: 'A small black cat',
    media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }],
  },
  parameters: { duration: 5, resolution: '720P' },
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(handler: StubHandler, options: Partial<VtrixClientOptions> = {}) {
  const stub = await startStubUpstream(handler);
  const client = createVtrixClient({ baseUrl: stub.baseUrl, apiKey: 'test-key', ...options });
  cleanups.push(
    () => stub.close(),
    () => client.close(),
  );
  return { stub, client };
}

async function failure(promise: Promise<unknown>): Promise<VtrixError> {
  try {
    await promise;
  } catch (err) {
    if (isVtrixError(err)) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('createTask and getTask', () => {
  it('creates and reads a task with the documented request shape', async () => {
    const { stub, client } = await setup((req, res) => {
      if (req.method === 'POST') {
        sendJson(res, 200, {
          id: 'd758n65e',
          created_at: 1769757744021,
          status: 'in_progress',
          model: 'wan27_i2v',
        });
      } else {
        sendJson(res, 200, {
          id: 'd758n65e',
          status: 'completed',
          output: [{ content: [{ type: 'video', url: VIDEO, duration: 5 }] }],
          usage: { cost: 0.35 },
        });
      }
    });

    const created = await client.createTask(PARAMS, { generationId: 'gen_abc123' });
    expect(created).toEqual({ id: 'd758n65e', upstreamStatus: 'in_progress', createdAt: 1769757744021 });
    const task = await client.getTask('d758n65e');
    expect(task).toEqual({
      id: 'd758n65e',
      status: 'completed',
      upstreamStatus: 'completed',
      video: { url: VIDEO, durationS: 5 },
      cost: '0.35',
    });

    const [create, poll] = stub.requests;
    expect(create).toMatchObject({ method: 'POST', url: '/model/v1/generation' });
    expect(create!.headers.authorization).toBe('Bearer test-key');
    expect(create!.headers['content-type']).toBe('application/json');
    expect(create!.headers[GENERATION_ID_HEADER]).toBe('gen_abc123');
    expect(JSON.parse(create!.body)).toEqual({ model: 'wan27_i2v', input: [{ params: PARAMS }] });
    expect(poll).toMatchObject({ method: 'GET', url: '/model/v1/generation/task/d758n65e', body: '' });
    expect(poll!.headers.authorization).toBe('Bearer test-key');
    expect(poll!.headers[GENERATION_ID_HEADER]).toBeUndefined();
  });

  it('honours a model override, a base path, no key and an id that needs escaping', async () => {
    const { stub, client } = await setup(
      (_req, res) => sendJson(res, 200, { id: 'a/b c', status: 'pending' }),
      {
        apiKey: undefined,
        model: 'wan26_i2v',
      },
    );
    const prefixed = createVtrixClient({ baseUrl: `${stub.baseUrl}/api/` });
    cleanups.push(() => prefixed.close());

    await client.createTask({});
    await prefixed.getTask('a/b c');
    expect(JSON.parse(stub.requests[0]!.body).model).toBe('wan26_i2v');
    expect(stub.requests[0]!.headers.authorization).toBeUndefined();
    expect(stub.requests[1]!.url).toBe('/api/model/v1/generation/task/a%2Fb%20c');
  });

  it('accepts the {"data", "status"} envelope with task_id', async () => {
    const { client } = await setup((req, res) => {
      const data =
        req.method === 'POST'
          ? { task_id: 'old-1', status: 'pending' }
          : {
              task_id: 'old-1',
              status: 'success',
              output: [{ content: [{ type: 'video_url', url: VIDEO, duration: '5' }] }],
            };
      sendJson(res, 200, { data, status: { code: 0, message: 'success' } });
    });
    expect(await client.createTask(PARAMS)).toEqual({ id: 'old-1', upstreamStatus: 'pending' });
    expect(await client.getTask('old-1')).toMatchObject({
      status: 'completed',
      video: { url: VIDEO, durationS: 5 },
    });
  });

  it('a create reply without an id is a final failed create', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 200, { error: { code: 'InvalidURL', message: 'bad media' } }),
    );
    expect(await failure(client.createTask(PARAMS))).toMatchObject({
      code: 'REELAY_UPSTREAM_CREATE_FAILED',
      kind: 'final',
      upstreamCode: 'InvalidURL',
    });
  });

  it('a completed task without a video is a final NO_VIDEO', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 200, { id: 't', status: 'completed', output: [] }),
    );
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_NO_VIDEO',
      kind: 'final',
    });
  });
});

describe('HTTP failures', () => {
  it('429 with Retry-After seconds is rate_limited', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 429, { message: 'Too many requests' }, { 'retry-after': '7' }),
    );
    expect(await failure(client.createTask(PARAMS))).toMatchObject({
      code: 'REELAY_UPSTREAM_RATE_LIMITED',
      kind: 'rate_limited',
      httpStatus: 429,
      retryAfterMs: 7000,
      upstreamMessage: 'Too many requests',
    });
  });

  it('429 with an HTTP-date Retry-After is measured against the injected clock', async () => {
    const at = Date.parse('2026-05-01T12:00:30Z');
    const { client } = await setup(
      (_req, res) => sendJson(res, 429, {}, { 'retry-after': new Date(at).toUTCString() }),
      {
        now: () => at - 30_000,
      },
    );
    expect((await failure(client.getTask('t'))).retryAfterMs).toBe(30_000);
  });

  it('503 is transient', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
    });
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_SERVER_ERROR',
      kind: 'transient',
      httpStatus: 503,
    });
  });

  it('401 is final and alert-worthy, with the upstream code', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 401, { code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: 'rq-1' }),
    );
    expect(await failure(client.createTask(PARAMS))).toMatchObject({
      code: 'REELAY_UPSTREAM_UNAUTHORIZED',
      kind: 'final',
      alert: true,
      httpStatus: 401,
      upstreamCode: 'InvalidApiKey',
      upstreamRequestId: 'rq-1',
    });
  });

  it('400 keeps the upstream code and message', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 400, {
        error: { code: 'DataInspectionFailed', message: 'input may contain inappropriate content' },
      }),
    );
    expect(await failure(client.createTask(PARAMS))).toMatchObject({
      code: 'REELAY_UPSTREAM_BAD_REQUEST',
      kind: 'final',
      upstreamCode: 'DataInspectionFailed',
      upstreamMessage: 'input may contain inappropriate content',
    });
  });

  it('404 on poll is a final TASK_NOT_FOUND', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 404, { message: 'task not found' }));
    expect(await failure(client.getTask('gone'))).toMatchObject({
      code: 'REELAY_UPSTREAM_TASK_NOT_FOUND',
      kind: 'final',
      httpStatus: 404,
    });
  });

  it('a 200 that is not JSON is a transient BAD_REPLY', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_BAD_REPLY',
      kind: 'transient',
    });
  });
});

describe('connections', () => {
  it('reuses one keep-alive connection for sequential requests, error replies included', async () => {
    let n = 0;
    const { stub, client } = await setup(
      (_req, res) => {
        n += 1;
        if (n === 2) sendJson(res, 400, { message: 'bad' });
        else if (n === 3) sendJson(res, 503, { message: 'busy' });
        else sendJson(res, 200, { id: 't', status: 'pending' });
      },
      { connections: 1 },
    );
    await client.getTask('t');
    await failure(client.getTask('t'));
    await failure(client.getTask('t'));
    await client.getTask('t');
    expect(stub.requests.map((r) => r.connection)).toEqual([1, 1, 1, 1]);
    expect(stub.connections()).toBe(1);
  });

  it('with the default pool, back-to-back requests keep reusing at most two sockets', async () => {
    // undici waits one event-loop turn before reusing a socket, so a request sent the moment
    // the previous reply ends takes the other idle socket: two sockets alternate, no more.
    const { stub, client } = await setup((_req, res) => sendJson(res, 200, { id: 't', status: 'pending' }));
    for (let i = 0; i < 8; i += 1) await client.getTask('t');
    expect(stub.requests).toHaveLength(8);
    expect(stub.connections()).toBeLessThanOrEqual(2);
  });

  it('close() closes the pooled connection', async () => {
    const { stub, client } = await setup((_req, res) => sendJson(res, 200, { id: 't', status: 'pending' }));
    await client.getTask('t');
    await client.close();
    await stub.allConnectionsClosed();
    expect(stub.connections()).toBe(1);
    expect(await failure(client.getTask('t'))).toMatchObject({ kind: 'transient' });
  });

  it('an aborted signal rejects as a transient ABORTED', async () => {
    const { client } = await setup(() => {
      // never answers
    });
    const controller = new AbortController();
    const pending = failure(client.getTask('t', { signal: controller.signal }));
    controller.abort();
    expect(await pending).toMatchObject({ code: 'REELAY_UPSTREAM_ABORTED', kind: 'transient' });
  });
});
