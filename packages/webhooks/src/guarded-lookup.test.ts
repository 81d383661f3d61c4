import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { WebhookBlockedAddressError } from './errors.ts';
import { createGuardedLookup, type ResolvedAddress, screenResolvedAddresses } from './guarded-lookup.ts';

type Answer = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

/** Calls a lookup the way net does and captures its single answer. */
function callLookup(lookup: LookupFunction, hostname: string, options: { all?: boolean; family?: number }) {
  return new Promise<Answer>((resolve) => {
    lookup(hostname, options, (err, address, family) => resolve({ err, address, family }));
  });
}

const stub = (addresses: ResolvedAddress[]) => vi.fn(async (_host: string) => addresses);

describe('createGuardedLookup', () => {
  it('resolves once and hands net exactly the checked addresses (all: true)', async () => {
    const resolve = stub([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const lookup = createGuardedLookup({ allowPrivateNetworks: false, resolve });
    const answer = await callLookup(lookup, 'hooks.example.com', { all: true });
    expect(answer.err).toBeNull();
    expect(answer.address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('hooks.example.com');
  });

  it('answers a single address when net asks for one', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: stub([{ address: '93.184.216.34', family: 4 }]),
    });
    const answer = await callLookup(lookup, 'hooks.example.com', {});
    expect(answer).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it.each(['10.0.0.5', '169.254.169.254', 'fd00::1', '127.0.0.1', '::ffff:192.168.0.1'])(
    'refuses a host resolving to %s',
    async (blocked) => {
      const lookup = createGuardedLookup({
        allowPrivateNetworks: false,
        resolve: stub([{ address: blocked, family: blocked.includes(':') ? 6 : 4 }]),
      });
      const answer = await callLookup(lookup, 'internal.example.com', { all: true });
      expect(answer.err).toBeInstanceOf(WebhookBlockedAddressError);
      expect(answer.err).toMatchObject({ code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS', address: blocked });
      expect(answer.err?.message).not.toContain(blocked);
    },
  );

  it('refuses when ANY address is blocked, even if a public one comes first', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: stub([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]),
    });
    for (const all of [true, false]) {
      const answer = await callLookup(lookup, 'mixed.example.com', { all });
      expect(answer.err).toMatchObject({ code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS', range: 'private' });
    }
  });

  it('resolves again for each connection, checking each answer (a rebinding resolver)', async () => {
    const answers: ResolvedAddress[][] = [
      [{ address: '93.184.216.34', family: 4 }],
      [{ address: '10.0.0.5', family: 4 }],
    ];
    const resolve = vi.fn(async () => answers.shift() ?? []);
    const lookup = createGuardedLookup({ allowPrivateNetworks: false, resolve });
    expect((await callLookup(lookup, 'rebind.example.com', { all: true })).err).toBeNull();
    expect((await callLookup(lookup, 'rebind.example.com', { all: true })).err).toMatchObject({
      code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS',
    });
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('narrows to the requested family only after checking every address', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: stub([
        { address: '93.184.216.34', family: 4 },
        { address: 'fd00::1', family: 6 },
      ]),
    });
    expect((await callLookup(lookup, 'h.example.com', { all: true, family: 4 })).err).toMatchObject({
      code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS',
    });
    const publicOnly = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: stub([
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ]),
    });
    expect(await callLookup(publicOnly, 'h.example.com', { all: true, family: 6 })).toEqual({
      err: null,
      address: [{ address: '2606:2800:220:1::1', family: 6 }],
      family: undefined,
    });
  });

  it('passes resolver errors through and treats an empty answer as not found', async () => {
    const failing = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect((await callLookup(failing, 'nx.example.com', { all: true })).err).toMatchObject({
      code: 'ENOTFOUND',
    });
    const empty = createGuardedLookup({ allowPrivateNetworks: false, resolve: stub([]) });
    expect((await callLookup(empty, 'nx.example.com', { all: true })).err).toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('turns a resolver that throws synchronously into an error answer', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetworks: false,
      resolve: () => {
        throw new Error('boom');
      },
    });
    expect((await callLookup(lookup, 'h.example.com', {})).err?.message).toBe('boom');
  });

  it('with allowPrivateNetworks passes private answers through, still resolving once', async () => {
    const resolve = stub([{ address: '127.0.0.1', family: 4 }]);
    const lookup = createGuardedLookup({ allowPrivateNetworks: true, resolve });
    expect(await callLookup(lookup, 'dev.test', { all: true })).toEqual({
      err: null,
      address: [{ address: '127.0.0.1', family: 4 }],
      family: undefined,
    });
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('uses the system resolver by default (an IP string needs no DNS)', async () => {
    const lookup = createGuardedLookup({ allowPrivateNetworks: false });
    const answer = await callLookup(lookup, '127.0.0.1', { all: true });
    expect(answer.err).toMatchObject({ code: 'REELAY_WEBHOOK_BLOCKED_ADDRESS', range: 'loopback' });
  });
});

describe('screenResolvedAddresses', () => {
  it('is the pure verdict behind the lookup', () => {
    expect(
      screenResolvedAddresses('h', [{ address: '8.8.8.8', family: 4 }], { allowPrivateNetworks: false }),
    ).toEqual({
      ok: true,
      addresses: [{ address: '8.8.8.8', family: 4 }],
    });
    const refused = screenResolvedAddresses('h', [{ address: '100.64.1.1', family: 4 }], {
      allowPrivateNetworks: false,
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toMatchObject({ range: 'carrierGradeNat', hostname: 'h' });
  });
});
