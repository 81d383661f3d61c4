/**
 * The API's edges over real sockets (issue #14): `Expect: 100-continue` with an oversized body,
 * a wrong method on a known route, headers over Node's limit, requests arriving during
 * shutdown. Every one answers problem+json, never a bare reset or another format.
 */

import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_BODY_LIMIT_BYTES } from './batch-routes.ts';
import { AUTH, createFixture, type Fixture, validRequest, waitFor } from './test-fixtures.ts';

const LIMIT = 1024;

let fx: Fixture;
let port: number;
beforeEach(async () => {
  fx = createFixture({ bodyLimitBytes: LIMIT });
  await fx.app.listen({ host: '127.0.0.1', port: 0 });
  port = (fx.app.server.address() as AddressInfo).port;
});
afterEach(async () => {
  await fx.close();
});

/** A raw connection that collects what the server sends and whether it ended by a reset. */
type Raw = { socket: Socket; received: () => string; ended: Promise<{ reset: boolean }> };

function open(): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve({ socket, received, ended }));
    let data = '';
    const received = () => data;
    const ended = new Promise<{ reset: boolean }>((done) => {
      socket.on('error', (err: NodeJS.ErrnoException) => done({ reset: err.code === 'ECONNRESET' }));
      socket.on('close', () => done({ reset: false }));
    });
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
    });
    socket.once('error', reject);
  });
}

type Parsed = { status: number; headers: Record<string, string>; body: string };

/** The first final (non-1xx) response in `raw`, its body sized by Content-Length. */
function firstFinal(raw: string): Parsed | undefined {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    rest = rest.slice(end + 4);
    if (status >= 200) {
      const length = Number(headers['content-length'] ?? rest.length);
      return { status, headers, body: rest.slice(0, length) };
    }
  }
}

function expectProblem(res: Parsed | undefined, status: number, code: string): Record<string, unknown> {
  expect(res?.status).toBe(status);
  expect(res?.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res?.body ?? '') as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  return body;
}

const requestHead = (method: string, path: string, headers: Record<string, string | number>): string =>
  `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

describe('Expect: 100-continue', () => {
  it('an oversized body gets 413 problem+json without 100 Continue, and the connection is not reset', async () => {
    const raw = await open();
    const size = LIMIT * 64;
    raw.socket.write(
      requestHead('POST', '/v1/generations', {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': size,
        expect: '100-continue',
      }),
    );
    // As curl does: wait for an answer (a second at most), then send the body if it was 100.
    await waitFor(() => raw.received().includes('\r\n\r\n'), 2_000).catch(() => {});
    if (!raw.received().startsWith('HTTP/1.1 413')) raw.socket.write(Buffer.alloc(size, 0x20));
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000).catch(() => {});
    raw.socket.end();
    const { reset } = await raw.ended;
    expect(raw.received()).not.toMatch(/^HTTP\/1\.1 100/);
    const body = expectProblem(firstFinal(raw.received()), 413, 'REELAY_API_BODY_TOO_LARGE');
    expect(body.limitBytes).toBe(LIMIT);
    expect(reset).toBe(false);
    expect(await fx.records()).toBe(0);
  });

  it('a body within the limit still gets 100 Continue and is served', async () => {
    const payload = JSON.stringify({ request: validRequest() });
    const raw = await open();
    raw.socket.write(
      requestHead('POST', '/v1/generations', {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        expect: '100-continue',
      }),
    );
    await waitFor(() => raw.received().startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 2_000);
    raw.socket.write(payload);
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000);
    raw.socket.end();
    expect(firstFinal(raw.received())?.status).toBe(201);
  });

  it('POST /v1/batches goes by its own limit: 100 Continue over the server limit, 413 over its own', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ request: validRequest(`item ${i}`) }));
    const payload = JSON.stringify({ items });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(LIMIT);
    const raw = await open();
    raw.socket.write(
      requestHead('POST', '/v1/batches', {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        expect: '100-continue',
      }),
    );
    await waitFor(() => raw.received().startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 2_000);
    raw.socket.write(payload);
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000);
    raw.socket.end();
    expect(firstFinal(raw.received())?.status).toBe(201);

    const over = await open();
    const size = DEFAULT_BATCH_BODY_LIMIT_BYTES + 1;
    over.socket.write(
      requestHead('POST', '/v1/batches', {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': size,
        expect: '100-continue',
      }),
    );
    await waitFor(() => firstFinal(over.received()) !== undefined, 2_000);
    over.socket.end();
    expect(over.received()).not.toMatch(/^HTTP\/1\.1 100/);
    const body = expectProblem(firstFinal(over.received()), 413, 'REELAY_API_BODY_TOO_LARGE');
    expect(body.limitBytes).toBe(DEFAULT_BATCH_BODY_LIMIT_BYTES);
  });

  it('an unauthenticated oversized body gets 401, not 413 and not 100 Continue', async () => {
    const raw = await open();
    raw.socket.write(
      requestHead('POST', '/v1/generations', {
        'content-type': 'application/json',
        'content-length': LIMIT * 64,
        expect: '100-continue',
      }),
    );
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000);
    raw.socket.end();
    expect(raw.received()).not.toMatch(/^HTTP\/1\.1 100/);
    expectProblem(firstFinal(raw.received()), 401, 'REELAY_API_UNAUTHORIZED');
  });
});

describe('a wrong method on a known route', () => {
  it.each([
    ['PATCH', '/v1/generations/gen_0123456789abcdef', 'GET, DELETE'],
    ['PUT', '/v1/generations', 'POST'],
    ['DELETE', '/v1/tenants/x', 'GET, PUT'],
    ['POST', '/healthz', 'GET'],
  ])('%s %s answers 405 problem+json with Allow: %s', async (method, url, allow) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, { method, headers: AUTH });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      type: 'urn:reelay:problem:method-not-allowed',
      status: 405,
      code: 'REELAY_API_METHOD_NOT_ALLOWED',
      instance: url,
      allow: allow.split(', '),
    });
  });

  it('without a token it is a 401, as an unknown route is', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/generations/gen_x`, { method: 'PATCH' });
    expect(res.status).toBe(401);
    expect(res.headers.get('allow')).toBeNull();
  });

  it('an unknown path is still a 404', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/nothing`, { method: 'PATCH', headers: AUTH });
    expect(res.status).toBe(404);
  });
});

describe('errors Node answers itself', () => {
  it('headers over the limit answer 431 problem+json', async () => {
    const raw = await open();
    raw.socket.write(requestHead('GET', '/healthz', { 'x-big': 'a'.repeat(32 * 1024) }));
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000);
    expectProblem(firstFinal(raw.received()), 431, 'REELAY_API_HEADERS_TOO_LARGE');
    raw.socket.end();
  });

  it('a malformed request line answers 400 problem+json', async () => {
    const raw = await open();
    raw.socket.write('NOT HTTP AT ALL\r\n\r\n');
    await waitFor(() => firstFinal(raw.received()) !== undefined, 2_000);
    expectProblem(firstFinal(raw.received()), 400, 'REELAY_API_BAD_REQUEST');
    raw.socket.end();
  });
});

describe('shutdown', () => {
  it('a request arriving while the server closes answers 503 problem+json', async () => {
    const payload = JSON.stringify({ request: validRequest() });
    const raw = await open();
    // Request 1 is under way (headers sent, body not yet) when close starts; request 2 is
    // pipelined behind it and arrives while the server closes.
    raw.socket.write(
      requestHead('POST', '/v1/generations', {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const closed = fx.app.close();
    await new Promise((r) => setTimeout(r, 50));
    raw.socket.write(payload + requestHead('GET', '/v1/generations/gen_x', AUTH));
    await waitFor(() => (raw.received().match(/HTTP\/1\.1 /g) ?? []).length >= 2, 2_000);
    const second = raw.received().slice(raw.received().lastIndexOf('HTTP/1.1 '));
    const res = firstFinal(second);
    expectProblem(res, 503, 'REELAY_API_SHUTTING_DOWN');
    expect(res?.headers.connection).toBe('close');
    raw.socket.end();
    await closed;
  });
});

describe('one 422 lists every problem', () => {
  it('schema problems and a private webhook target come back together', async () => {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: AUTH,
      payload: {
        request: { ...validRequest(), parameters: { duration: -1 } },
        webhook: { url: 'https://127.0.0.1/hook' },
        colour: 'red',
      },
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json().errors as { path: string; rule: string }[]).map((e) => `${e.path} ${e.rule}`);
    expect(paths).toContain('webhook.url webhook_target');
    expect(paths).toContain('colour unknown_field');
    expect(paths.some((p) => p.startsWith('request.parameters.duration '))).toBe(true);
    expect(await fx.records()).toBe(0);
  });
});
