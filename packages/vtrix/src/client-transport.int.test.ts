// Transport failures: timeouts, oversized replies, refused and reset connections, and
// the guarantee that the API key never leaks into any of the resulting errors.

import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createVtrixClient } from './client.ts';
import type { VtrixClientOptions } from './client-options.ts';
import { isVtrixError, type VtrixError } from './errors.ts';
import { closedPort, type StubHandler, sendJson, startStubUpstream } from './testing/stub-upstream.ts';

const SECRET = 'sk-vtrix-DO-NOT-LEAK-7c1e9b2f';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(handler: StubHandler, options: Partial<VtrixClientOptions> = {}) {
  const stub = await startStubUpstream(handler);
  const client = createVtrixClient({ baseUrl: stub.baseUrl, apiKey: SECRET, ...options });
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

function neverAnswer(): void {}

/** Streams JSON-looking bytes until the client hangs up; resolves `stopped` then. */
function endlessBody(contentLength?: number) {
  let finished = false;
  let resolveStopped: (sent: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  const handler: StubHandler = (_req, res) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (contentLength !== undefined) headers['content-length'] = String(contentLength);
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    res.on('close', () => resolveStopped(sent));
    res.on('finish', () => {
      finished = true;
    });
    const pump = () => {
      while (!res.destroyed && (contentLength === undefined || sent < contentLength)) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.write('{"id":"t","status":"pending","pad":"');
    pump();
  };
  return { handler, stopped, finished: () => finished };
}

describe('timeouts', () => {
  it('headers that never come are a transient TIMEOUT after headersTimeoutMs', async () => {
    const { client } = await setup(neverAnswer, { headersTimeoutMs: 200 });
    const started = performance.now();
    const err = await failure(client.getTask('t'));
    expect(err).toMatchObject({ code: 'REELAY_UPSTREAM_TIMEOUT', kind: 'transient' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a body that stalls is a transient TIMEOUT after bodyTimeoutMs', async () => {
    const { client } = await setup(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"id":');
      },
      { bodyTimeoutMs: 200 },
    );
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_TIMEOUT',
      kind: 'transient',
    });
  });
});

describe('reply size cap', () => {
  it('stops reading an endless chunked body at the cap', async () => {
    const body = endlessBody();
    const { client } = await setup(body.handler, { maxResponseBytes: 4096 });
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_REPLY_TOO_LARGE',
      kind: 'transient',
      httpStatus: 200,
    });
    // The client hung up: the server could not finish an endless reply.
    await body.stopped;
    expect(body.finished()).toBe(false);
  });

  it('refuses a declared Content-Length above the cap without reading it', async () => {
    const body = endlessBody(8 * 1024 * 1024);
    const { client } = await setup(body.handler, { maxResponseBytes: 1024 });
    expect(await failure(client.getTask('t'))).toMatchObject({ code: 'REELAY_UPSTREAM_REPLY_TOO_LARGE' });
    expect(await body.stopped).toBeLessThan(8 * 1024 * 1024);
    expect(body.finished()).toBe(false);
  });

  it('a reply just under the cap is read normally', async () => {
    const { client } = await setup(
      (_req, res) => sendJson(res, 200, { id: 't', status: 'pending', pad: 'x'.repeat(900) }),
      {
        maxResponseBytes: 1024,
      },
    );
    expect((await client.getTask('t')).status).toBe('running');
  });
});

describe('broken connections', () => {
  it('a refused connection is a transient NETWORK error', async () => {
    const port = await closedPort();
    const client = createVtrixClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: SECRET });
    cleanups.push(() => client.close());
    const err = await failure(client.createTask({}));
    expect(err).toMatchObject({ code: 'REELAY_UPSTREAM_NETWORK', kind: 'transient' });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a connection reset mid-body is a transient NETWORK error', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"t","status":', () => res.socket?.destroy());
    });
    expect(await failure(client.getTask('t'))).toMatchObject({
      code: 'REELAY_UPSTREAM_NETWORK',
      kind: 'transient',
    });
  });

  it('a connection closed before any reply is a transient NETWORK error', async () => {
    const { client } = await setup((_req, res) => {
      res.socket?.destroy();
    });
    expect(await failure(client.createTask({}))).toMatchObject({
      code: 'REELAY_UPSTREAM_NETWORK',
      kind: 'transient',
    });
  });
});

describe('the API key never leaks', () => {
  function assertNoSecret(err: VtrixError): void {
    const cause = err.cause as Error | undefined;
    const texts = [
      JSON.stringify(err),
      err.message,
      err.stack ?? '',
      err.upstreamMessage ?? '',
      cause?.message ?? '',
      cause?.stack ?? '',
      inspect(err, { depth: 10 }),
    ];
    for (const text of texts) expect(text).not.toContain(SECRET);
  }

  it('not on 401, even when the upstream echoes the key', async () => {
    const { stub, client } = await setup((req, res) =>
      sendJson(res, 401, { code: 'InvalidApiKey', message: `Invalid key: ${req.headers.authorization}` }),
    );
    const err = await failure(client.createTask({}));
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(err.upstreamMessage).toBe('Invalid key: Bearer [REDACTED]');
    assertNoSecret(err);
  });

  it('not on 500', async () => {
    const { client } = await setup((req, res) =>
      sendJson(res, 500, { error: `boom ${req.headers.authorization}` }),
    );
    assertNoSecret(await failure(client.getTask('t')));
  });

  it('not on a timeout', async () => {
    const { client } = await setup(neverAnswer, { headersTimeoutMs: 200 });
    const err = await failure(client.getTask('t'));
    expect(err.code).toBe('REELAY_UPSTREAM_TIMEOUT');
    assertNoSecret(err);
  });

  it('not on a refused connection', async () => {
    const port = await closedPort();
    const client = createVtrixClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: SECRET });
    cleanups.push(() => client.close());
    const err = await failure(client.createTask({}));
    expect(err.code).toBe('REELAY_UPSTREAM_NETWORK');
    assertNoSecret(err);
  });

  it('not on a reset or an oversized reply', async () => {
    const reset = await setup((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{', () => res.socket?.destroy());
    });
    assertNoSecret(await failure(reset.client.getTask('t')));
    const big = await setup(endlessBody().handler, { maxResponseBytes: 1024 });
    assertNoSecret(await failure(big.client.getTask('t')));
  });
});
