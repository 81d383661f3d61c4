/**
 * The undici connector every webhook connection goes through: the guarded lookup for
 * hostnames (resolve once, refuse any blocked answer, dial only what was checked) plus a
 * check of IP-literal hosts, which Node connects to without calling `lookup` at all.
 * This is the last line of the SSRF guard: it holds even for a request that never went
 * through `checkWebhookUrl`.
 */
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { isBlockedAddress } from './blocked-address.ts';
import { WebhookBlockedAddressError } from './errors.ts';
import { createGuardedLookup, type ResolveHost } from './guarded-lookup.ts';

export interface GuardedConnectorOptions {
  allowPrivateNetworks: boolean;
  /** @defaultValue 5_000 */
  connectTimeoutMs?: number;
  resolve?: ResolveHost;
}

export function createGuardedConnector(opts: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({
    lookup: createGuardedLookup({ allowPrivateNetworks: opts.allowPrivateNetworks, resolve: opts.resolve }),
    timeout: opts.connectTimeoutMs ?? 5_000,
    allowH2: false,
  });
  return (options, callback) => {
    if (!opts.allowPrivateNetworks && isIP(options.hostname) !== 0) {
      const verdict = isBlockedAddress(options.hostname);
      if (verdict.blocked) {
        const err = new WebhookBlockedAddressError(
          options.hostname,
          options.hostname,
          verdict.range ?? 'blocked',
        );
        process.nextTick(() => callback(err, null));
        return;
      }
    }
    connect(options, callback);
  };
}
