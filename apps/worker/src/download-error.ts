/**
 * What a failed request for the video URL means for the sink. The guard (the webhooks
 * package's guarded connector, under every hop of the download) refuses a blocked address
 * with a WebhookBlockedAddressError: that is final, since the same URL is refused again;
 * anything else (refused, reset, timed out, DNS) may work on a later attempt.
 */
import { WebhookBlockedAddressError } from '@reelay/webhooks';
import { StageError } from './stage-error.ts';

/** The blocked-address refusal in `e` or its causes (net and undici may wrap it). */
function blockedIn(e: unknown): WebhookBlockedAddressError | undefined {
  let current = e;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (WebhookBlockedAddressError.is(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function downloadRequestError(e: unknown): StageError {
  const blocked = blockedIn(e);
  if (blocked)
    // The host, not the address: the generation's error is shown to the tenant.
    return new StageError(
      'sink',
      'REELAY_SINK_DOWNLOAD_BLOCKED',
      `video host ${blocked.hostname} is, or resolves to, a blocked address range (${blocked.range}); UPSTREAM_ALLOW_PRIVATE_NETWORKS is off`,
      { cause: e },
    );
  return new StageError(
    'sink',
    'REELAY_SINK_DOWNLOAD_FAILED',
    `video download failed: ${(e as Error).message}`,
    {
      cause: e,
    },
  );
}
