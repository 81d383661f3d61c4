import type { Socket } from 'node:net';
import { Agent, type buildConnector } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { WebhookBlockedAddressError } from './errors.ts';
import { createGuardedConnector } from './guarded-connector.ts';
import type { ResolvedAddress } from './guarded-lookup.ts';
import { answer, useLoopbackHarness } from './test-support/harness.ts';

const harness = useLoopbackHarness();

function connectWith(connector: buildConnector.connector, options: buildConnector.Options) {
  return new Promise<{ err: Error | null; socket: Socket | null }>((resolve) => {
    connector(options, (...args) => resolve({ err: args[0], socket: args[1] }));
  });
}

describe('createGuardedConnector', () => {
  it.each(['127.0.0.1', '::1'])(
    'refuses IP-literal host %s without dialling (Node skips lookup for literals)',
    async (ip) => {
      const server = await harness.serve(answer(200));
      const connector = createGuardedConnector({ allowPrivateNetworks: false });
      const { err, socket } = await connectWith(connector, {
        hostname: ip,
        protocol: 'http:',
        port: String(server.port),
      });
      expect(err).toBeInstanceOf(WebhookBlockedAddressError);
      expect(err).toMatchObject({ code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS', range: 'loopback' });
      expect(socket).toBeNull();
      expect(harness.firewall.dialed).toEqual([]);
      expect(server.connections()).toBe(0);
    },
  );

  it('refuses a hostname whose resolver answers a private address, after one resolution', async () => {
    const resolve = vi.fn(async (): Promise<ResolvedAddress[]> => [{ address: '10.0.0.5', family: 4 }]);
    const connector = createGuardedConnector({ allowPrivateNetworks: false, resolve });
    const { err } = await connectWith(connector, {
      hostname: 'hooks.example.test',
      protocol: 'https:',
      port: '443',
    });
    expect(err).toMatchObject({ code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS', range: 'private' });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(harness.firewall.dialed).toEqual([]);
  });

  it('connects to loopback with allowPrivateNetworks', async () => {
    const server = await harness.serve(answer(200));
    const connector = createGuardedConnector({ allowPrivateNetworks: true });
    const { err, socket } = await connectWith(connector, {
      hostname: '127.0.0.1',
      protocol: 'http:',
      port: String(server.port),
    });
    expect(err).toBeNull();
    expect(socket?.remotePort).toBe(server.port);
    socket?.destroy();
    expect(harness.firewall.dialed).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('guards a request that never went through checkWebhookUrl', async () => {
    const server = await harness.serve(answer(200));
    const agent = new Agent({ connect: createGuardedConnector({ allowPrivateNetworks: false }) });
    try {
      await expect(
        agent.request({ origin: server.origin, path: '/', method: 'POST', body: '{}' }),
      ).rejects.toMatchObject({
        code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS',
      });
    } finally {
      await agent.close();
    }
    expect(server.connections()).toBe(0);
    expect(server.received).toHaveLength(0);
  });
});
