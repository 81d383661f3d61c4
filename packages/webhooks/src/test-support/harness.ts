/**
 * Shared vitest setup for the socket tests: a loopback-only firewall for the whole file,
 * loopback receivers and senders that are closed after each test, and a check that no
 * test tried to leave loopback.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { webhookHeaders } from '../sign.ts';
import { createWebhookSender, type WebhookSender, type WebhookSenderOptions } from '../webhook-sender.ts';
import { installLoopbackFirewall, type LoopbackFirewall } from './loopback-firewall.ts';
import { type LoopbackServer, type Responder, startLoopbackServer } from './loopback-server.ts';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const body = JSON.stringify({ type: 'generation.succeeded', data: { generationId: 'gen_1' } });
export const signed = () =>
  webhookHeaders({ id: 'msg_int_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: SECRET });

export const answer =
  (status: number, text = '', headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, headers).end(text);
  };

/** Resolves when the server side of a response is torn down. */
export const closed = (res: ServerResponse) =>
  new Promise<void>((resolve) => res.once('close', () => resolve()));

export interface Harness {
  readonly firewall: LoopbackFirewall;
  serve(respond: Responder): Promise<LoopbackServer>;
  /** A sender closed after the test; allowPrivateNetworks defaults to true here. */
  sender(opts?: Partial<WebhookSenderOptions>): WebhookSender;
}

export function useLoopbackHarness(): Harness {
  let firewall: LoopbackFirewall | undefined;
  const servers: LoopbackServer[] = [];
  const senders: WebhookSender[] = [];

  beforeAll(() => {
    firewall = installLoopbackFirewall();
  });
  afterAll(() => firewall?.uninstall());
  beforeEach(() => firewall?.reset());
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    expect(firewall?.violations).toEqual([]);
  });

  return {
    get firewall() {
      if (!firewall) throw new Error('harness used outside a test');
      return firewall;
    },
    async serve(respond) {
      const server = await startLoopbackServer(respond);
      servers.push(server);
      return server;
    },
    sender(opts = {}) {
      const created = createWebhookSender({ allowPrivateNetworks: true, ...opts });
      senders.push(created);
      return created;
    },
  };
}
