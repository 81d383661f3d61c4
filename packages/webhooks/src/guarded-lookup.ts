/**
 * A `lookup` for net/tls connect (undici's `connect.lookup`) that resolves the host once,
 * refuses the connection if ANY address is in a blocked range, and hands exactly the
 * checked addresses to the socket. The socket never resolves again, so there is no window
 * in which DNS can rebind the name to an internal address after the check.
 *
 * Note: Node skips `lookup` for IP-literal hosts; those are checked by `checkWebhookUrl`
 * and again by the sender's connector.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isBlockedAddress } from './blocked-address.ts';
import { WebhookBlockedAddressError } from './errors.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to every address it has. Injectable so tests need no DNS. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithSystem: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) => {
      if (err) reject(err);
      else resolve(addresses.map(({ address, family }) => ({ address, family })));
    });
  });

export interface GuardedLookupOptions {
  /** Skip the range check (development only); the single resolution still applies. */
  allowPrivateNetworks: boolean;
  /** @defaultValue dns.lookup with `all: true` (getaddrinfo, honours /etc/hosts) */
  resolve?: ResolveHost;
}

function notFound(hostname: string, detail: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`webhook host ${hostname} ${detail}`);
  err.code = 'ENOTFOUND';
  return err;
}

/**
 * Pure check of a resolution: the addresses to connect to, or the reason to refuse.
 * `family` 4 or 6 narrows the answer after every address has been checked.
 */
export function screenResolvedAddresses(
  hostname: string,
  addresses: readonly ResolvedAddress[],
  opts: { allowPrivateNetworks: boolean; family?: number },
): { ok: true; addresses: ResolvedAddress[] } | { ok: false; error: Error } {
  if (addresses.length === 0) return { ok: false, error: notFound(hostname, 'has no addresses') };
  if (!opts.allowPrivateNetworks) {
    for (const { address } of addresses) {
      const verdict = isBlockedAddress(address);
      if (verdict.blocked) {
        return {
          ok: false,
          error: new WebhookBlockedAddressError(hostname, address, verdict.range ?? 'blocked'),
        };
      }
    }
  }
  const wanted =
    opts.family === 4 || opts.family === 6
      ? addresses.filter((a) => a.family === opts.family)
      : [...addresses];
  if (wanted.length === 0)
    return { ok: false, error: notFound(hostname, `has no IPv${opts.family} address`) };
  return { ok: true, addresses: wanted };
}

function familyOf(option: number | string | undefined): number | undefined {
  if (option === 4 || option === 'IPv4') return 4;
  if (option === 6 || option === 'IPv6') return 6;
  return undefined;
}

export function createGuardedLookup(opts: GuardedLookupOptions): LookupFunction {
  const resolve = opts.resolve ?? resolveWithSystem;
  return (hostname, options, callback) => {
    // The callback runs outside the promise chain so a throw in net's handler is not
    // swallowed as an unhandled rejection.
    const answer = (err: Error | null, addresses: ResolvedAddress[] = []) =>
      process.nextTick(() => {
        if (err) callback(err, '', undefined);
        else if (options.all) callback(null, addresses as LookupAddress[]);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
      });
    Promise.resolve()
      .then(() => resolve(hostname))
      .then(
        (addresses) => {
          const screened = screenResolvedAddresses(hostname, addresses, {
            allowPrivateNetworks: opts.allowPrivateNetworks,
            family: familyOf(options.family),
          });
          if (screened.ok) answer(null, screened.addresses);
          else answer(screened.error);
        },
        (err: unknown) => answer(err instanceof Error ? err : new Error(String(err))),
      );
  };
}
