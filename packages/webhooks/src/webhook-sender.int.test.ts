import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_DELIVERY_POLICY, decideDelivery } from './delivery-policy.ts';
import type { ResolvedAddress } from './guarded-lookup.ts';
import { answer, body, closed, SECRET, signed, useLoopbackHarness } from './test-support/harness.ts';
import { closedLoopbackPort } from './test-support/loopback-server.ts';
import { verifyWebhook } from './verify.ts';

const harness = useLoopbackHarness();
const { serve, sender } = harness;

describe('delivery to a loopback receiver (allowPrivateNetworks)', () => {
  it('200: delivered, with the exact body, signed headers and no compression', async () => {
    const server = await serve(answer(200, 'thanks'));
    const headers = signed();
    const outcome = await sender({ userAgent: 'reelay-test/1' }).send({
      url: `${server.origin}/hooks/in?tenant=7`,
      body,
      headers,
    });
    expect(outcome).toMatchObject({ ok: true, status: 200, responseExcerpt: 'thanks' });
    expect(outcome.error).toBeUndefined();
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/hooks/in?tenant=7');
    expect(got?.body).toBe(body);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['accept-encoding']).toBe('identity');
    expect(got?.headers['user-agent']).toBe('reelay-test/1');
    expect(verifyWebhook(got?.body ?? '', got?.headers ?? {}, SECRET)).toEqual(JSON.parse(body));
    // The outcome never carries the request headers.
    expect(JSON.stringify(outcome)).not.toContain(headers['webhook-signature'].slice(3));
    expect(harness.firewall.dialed).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('204: delivered without an excerpt', async () => {
    const server = await serve(answer(204));
    const outcome = await sender().send({ url: `${server.origin}/`, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: true, status: 204 });
    expect(outcome.responseExcerpt).toBeUndefined();
  });

  it('sets the transport headers itself, whatever the caller passes', async () => {
    const server = await serve(answer(200));
    await sender().send({
      url: `${server.origin}/`,
      body,
      headers: {
        ...signed(),
        Host: 'evil.example',
        'Content-Length': '1',
        'Accept-Encoding': 'gzip, br',
        'Transfer-Encoding': 'chunked',
        'X-Tenant': 't1',
      },
    });
    const got = server.received[0]?.headers;
    expect(got?.host).toBe(`127.0.0.1:${server.port}`);
    expect(got?.['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got?.['accept-encoding']).toBe('identity');
    expect(got?.['transfer-encoding']).toBeUndefined();
    expect(got?.['x-tenant']).toBe('t1');
  });

  it.each([301, 302, 307, 308])('%i is a failure and the redirect is not followed', async (status) => {
    const target = await serve(answer(200));
    const redirector = await serve(answer(status, '', { location: `${target.origin}/elsewhere` }));
    const outcome = await sender().send({ url: `${redirector.origin}/`, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, status, error: { code: 'REELAY_WEBHOOK_REDIRECT' } });
    expect(redirector.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
  });

  it('410: a failure that the policy turns into gone', async () => {
    const server = await serve(answer(410, 'unsubscribed'));
    const outcome = await sender().send({ url: server.origin, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, status: 410, error: { code: 'REELAY_WEBHOOK_HTTP_STATUS' } });
    expect(decideDelivery(outcome, 1, DEFAULT_DELIVERY_POLICY, Math.random, Date.now())).toEqual({
      kind: 'gone',
    });
  });

  it('429 with Retry-After: the header is reported and honoured by the policy', async () => {
    const server = await serve(answer(429, 'slow down', { 'retry-after': '7' }));
    const outcome = await sender().send({ url: server.origin, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, status: 429, retryAfter: '7', responseExcerpt: 'slow down' });
    expect(decideDelivery(outcome, 1, DEFAULT_DELIVERY_POLICY, () => 0, Date.now())).toEqual({
      kind: 'retry',
      delayMs: 7_000,
    });
  });

  it('500: a failure with the body excerpt', async () => {
    const server = await serve(answer(500, 'database on fire'));
    const outcome = await sender().send({ url: server.origin, body, headers: signed() });
    expect(outcome).toMatchObject({
      ok: false,
      status: 500,
      error: { code: 'REELAY_WEBHOOK_HTTP_STATUS', message: 'receiver answered 500' },
      responseExcerpt: 'database on fire',
    });
  });

  it('redacts our signatures from a receiver that echoes the request headers', async () => {
    const server = await serve((req, res) => res.writeHead(400).end(JSON.stringify(req.headers)));
    const headers = signed();
    const outcome = await sender().send({ url: server.origin, body, headers });
    expect(outcome.responseExcerpt).toContain('"webhook-id":"msg_int_1"');
    expect(outcome.responseExcerpt).toContain('[redacted]');
    expect(outcome.responseExcerpt).not.toContain(headers['webhook-signature'].slice(3));
  });

  it('slow headers: the total deadline ends the attempt', async () => {
    let requestArrived = false;
    const server = await serve(() => {
      requestArrived = true; // and never answer
    });
    const outcome = await sender({ timeoutMs: 300 }).send({ url: server.origin, body, headers: signed() });
    expect(requestArrived).toBe(true);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_TIMEOUT' } });
    expect(outcome.status).toBeUndefined();
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(5_000);
  });

  it('trickling body: the total deadline covers the body, not just the gaps between chunks', async () => {
    let serverSide: Promise<void> | undefined;
    const server = await serve((_req, res) => {
      serverSide = closed(res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 20);
      res.once('close', () => clearInterval(timer));
    });
    const outcome = await sender({ timeoutMs: 400 }).send({ url: server.origin, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, status: 200, error: { code: 'REELAY_WEBHOOK_TIMEOUT' } });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(390);
    expect(outcome.latencyMs).toBeLessThan(5_000);
    await serverSide; // the connection was dropped, so the trickle stopped
  });

  it('endless body: read up to the cap, connection dropped, still ok by status', async () => {
    let written = 0;
    let serverSide: Promise<void> | undefined;
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const server = await serve((_req, res) => {
      serverSide = closed(res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      pump();
    });
    const outcome = await sender({ timeoutMs: 10_000, maxResponseBytes: 65_536 }).send({
      url: server.origin,
      body,
      headers: signed(),
    });
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    expect(outcome.responseExcerpt).toBe('a'.repeat(1024));
    expect(outcome.latencyMs).toBeLessThan(10_000);
    await serverSide;
    expect(written).toBeGreaterThanOrEqual(65_536 - chunk.length);
  });

  it('the deadline also covers a resolver that never answers', async () => {
    let release: (addresses: ResolvedAddress[]) => void = () => {};
    const resolve = vi.fn(() => new Promise<ResolvedAddress[]>((r) => (release = r)));
    // The connect timeout is far longer: only the total deadline can end this in time.
    const slowDns = sender({ timeoutMs: 300, connectTimeoutMs: 30_000, resolve });
    const outcome = await slowDns.send({ url: 'http://stuck.test/', body, headers: signed() });
    release([]); // let the abandoned connection attempt finish so close() does not wait
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_TIMEOUT' } });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(5_000);
  });

  it('connection refused', async () => {
    const port = await closedLoopbackPort();
    const outcome = await sender().send({ url: `http://127.0.0.1:${port}/`, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_CONNECTION_REFUSED' } });
    expect(outcome.status).toBeUndefined();
  });

  it.each([
    ['reset (RST)', (res: ServerResponse) => res.socket?.resetAndDestroy()],
    ['closed without an answer (FIN)', (res: ServerResponse) => res.socket?.destroy()],
  ])('connection %s after the request arrived', async (_name, drop) => {
    const server = await serve((_req, res) => drop(res));
    const outcome = await sender().send({ url: server.origin, body, headers: signed() });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_CONNECTION_RESET' } });
    expect(server.received).toHaveLength(1); // POST is not silently re-sent
  });

  it('connects to the address the resolver returned, resolving once', async () => {
    const server = await serve(answer(200));
    const resolve = vi.fn(
      async (_host: string): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }],
    );
    const outcome = await sender({ resolve }).send({
      url: `http://receiver.test:${server.port}/`,
      body,
      headers: signed(),
    });
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('receiver.test');
    expect(server.received[0]?.headers.host).toBe(`receiver.test:${server.port}`);
    expect(harness.firewall.dialed).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('ignores proxy environment variables', async () => {
    const proxy = await serve(answer(502, 'proxy'));
    const receiver = await serve(answer(200));
    const names = [
      'HTTP_PROXY',
      'HTTPS_PROXY',
      'http_proxy',
      'https_proxy',
      'ALL_PROXY',
      'NO_PROXY',
      'no_proxy',
    ];
    const saved = new Map(names.map((name) => [name, process.env[name]]));
    for (const name of names) {
      if (name.toLowerCase() === 'no_proxy') delete process.env[name];
      else process.env[name] = proxy.origin;
    }
    try {
      const outcome = await sender().send({ url: receiver.origin, body, headers: signed() });
      expect(outcome).toMatchObject({ ok: true, status: 200 });
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(receiver.received).toHaveLength(1);
    expect(proxy.received).toHaveLength(0);
  });
});
