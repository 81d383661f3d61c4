import { describe, expect, it, vi } from 'vitest';
import type { ResolvedAddress } from './guarded-lookup.ts';
import { body, signed, useLoopbackHarness } from './test-support/harness.ts';

const harness = useLoopbackHarness();
const { sender } = harness;

describe('the SSRF guard (allowPrivateNetworks: false)', () => {
  // A resolver that would send everything to loopback, to prove it is never consulted.
  const loopbackResolver = () =>
    vi.fn(async (_host: string): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }]);

  it.each([
    ['https://127.1/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://2130706433/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://0x7f.0.0.1/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://[::ffff:127.0.0.1]/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://[::1]/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://0.0.0.0/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://169.254.169.254/latest/meta-data/', 'REELAY_WEBHOOK_BLOCKED_ADDRESS'],
    ['https://localhost/', 'REELAY_WEBHOOK_BLOCKED_HOST'],
    ['http://hooks.example.com/', 'REELAY_WEBHOOK_INSECURE_URL'],
    ['https://user:secret@hooks.example.com/', 'REELAY_WEBHOOK_URL_CREDENTIALS'],
  ])('refuses %s before connecting (%s)', async (url, code) => {
    const resolve = loopbackResolver();
    const outcome = await sender({ allowPrivateNetworks: false, resolve }).send({
      url,
      body,
      headers: signed(),
    });
    expect(outcome).toMatchObject({ ok: false, error: { code } });
    expect(outcome.error?.message).toMatch(/webhook (URL|host)/);
    expect(outcome.status).toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
    expect(harness.firewall.dialed).toEqual([]);
  });

  it.each([
    [[{ address: '10.0.0.5', family: 4 }], 'private'],
    [[{ address: '169.254.169.254', family: 4 }], 'cloudMetadata'],
    [[{ address: 'fd00::1', family: 6 }], 'uniqueLocal'],
    [[{ address: '127.0.0.1', family: 4 }], 'loopback'],
    [
      [
        { address: '93.184.216.34', family: 4 },
        { address: '192.168.0.10', family: 4 },
      ],
      'private',
    ],
  ])('refuses a hostname resolving to %j without opening a connection', async (addresses, range) => {
    const resolve = vi.fn(async (_host: string): Promise<ResolvedAddress[]> => addresses);
    const outcome = await sender({ allowPrivateNetworks: false, resolve }).send({
      url: 'https://hooks.example.test/in',
      body,
      headers: signed(),
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS' } });
    expect(outcome.error?.message).toBe(
      `webhook host hooks.example.test resolves to a blocked address range (${range})`,
    );
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('hooks.example.test');
    expect(harness.firewall.dialed).toEqual([]);
  });

  it('checks the URL at every send of the same sender', async () => {
    const resolve = loopbackResolver();
    const guarded = sender({ allowPrivateNetworks: false, resolve });
    for (const url of ['https://10.1.1.1/', 'https://127.0.0.1/']) {
      expect((await guarded.send({ url, body, headers: signed() })).error?.code).toBe(
        'REELAY_WEBHOOK_BLOCKED_ADDRESS',
      );
    }
    expect(harness.firewall.dialed).toEqual([]);
  });
});
