/**
 * The dispatcher the sink downloads result videos with. The video URL comes from the
 * upstream's reply, so it is guarded like a webhook: every connection, the first and each
 * redirect's, goes through the webhooks package's guarded connector (resolve once, refuse
 * private, loopback and link-local addresses, dial only what was checked; IP literals checked
 * too). A redirect is followed by the same dispatcher, so its target is checked the same way.
 * Its own pool and timeouts, apart from the API client's (VTRIX_BASE_URL is the operator's
 * choice and not guarded).
 */
import { createGuardedConnector } from '@reelay/webhooks';
import { Agent, type buildConnector, type Dispatcher, interceptors } from 'undici';

/** Storage and CDNs redirect once or twice at most; a longer chain is not a video URL. */
export const MAX_VIDEO_REDIRECTS = 5;

export interface VideoDownloadsOptions {
  /** UPSTREAM_ALLOW_PRIVATE_NETWORKS: a simulator serving videos on loopback. */
  allowPrivateNetworks: boolean;
  /** Tests only: a connector in front of the guard (e.g. one that routes a test host). */
  connect?: (guarded: buildConnector.connector) => buildConnector.connector;
}

export function createVideoDownloads(opts: VideoDownloadsOptions): Dispatcher {
  const guarded = createGuardedConnector({
    allowPrivateNetworks: opts.allowPrivateNetworks,
    connectTimeoutMs: 10_000,
  });
  return new Agent({
    connect: opts.connect ? opts.connect(guarded) : guarded,
    headersTimeout: 30_000,
    bodyTimeout: 60_000,
    connections: 16,
  }).compose(interceptors.redirect({ maxRedirections: MAX_VIDEO_REDIRECTS, throwOnMaxRedirect: true }));
}
