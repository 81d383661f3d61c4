/** The guarantees a chaos run must show, each a pure check on the analysis. */
import type { Analysis } from './analyze.ts';

export type InvariantResult = { name: string; ok: boolean; detail: string };

const sample = (ids: readonly unknown[], n = 5) =>
  ids.length === 0
    ? ''
    : `: ${ids
        .slice(0, n)
        .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
        .join(', ')}${ids.length > n ? ', …' : ''}`;

export function checkInvariants(a: Analysis): InvariantResult[] {
  const duplicates = a.creates.duplicates;
  const windows = a.kills.windowsHit;
  return [
    {
      name: 'nothing accepted is lost',
      ok: a.lost.length === 0,
      detail: `${a.lost.length} of ${a.accepted} accepted generations not terminal${sample(a.lost)}`,
    },
    {
      name: 'an idempotency key maps to one generation',
      ok: a.idempotency.split.length === 0,
      detail: `${a.idempotency.split.length} of ${a.idempotency.keys} keys returned more than one id${sample(a.idempotency.split)}`,
    },
    {
      name: 'sha256 of object, upstream video and record agree',
      ok: a.s3.sha256Mismatches.length === 0,
      detail: `${a.s3.sha256Mismatches.length} mismatches${sample(a.s3.sha256Mismatches)}`,
    },
    {
      name: 'every succeeded generation has exactly one object with the right bytes',
      ok:
        a.s3.withOneGoodObject === a.s3.succeeded &&
        a.s3.missing.length === 0 &&
        a.s3.extraObjects.length === 0,
      detail:
        `${a.s3.withOneGoodObject}/${a.s3.succeeded} good; missing ${a.s3.missing.length}${sample(a.s3.missing)}; ` +
        `unexpected objects ${a.s3.extraObjects.length}${sample(a.s3.extraObjects)}` +
        (a.s3.listingError ? ` (bucket not listable: ${a.s3.listingError}; only expected keys read)` : ''),
    },
    {
      name: 'every terminal event was delivered (verified 2xx) under exactly one webhook-id',
      ok:
        a.webhooks.undelivered.length === 0 &&
        a.webhooks.conflicting.length === 0 &&
        Object.keys(a.webhooks.webhookIdsPerEvent).every((k) => k === '1'),
      detail:
        `undelivered ${a.webhooks.undelivered.length}${sample(a.webhooks.undelivered)}; ` +
        `webhook-ids per event ${JSON.stringify(a.webhooks.webhookIdsPerEvent)}; ` +
        `conflicting terminal events ${a.webhooks.conflicting.length}${sample(a.webhooks.conflicting)}`,
    },
    {
      name: 'duplicate upstream creates only from kills inside the submit window',
      ok: duplicates <= windows && a.creates.unexplained.length === 0,
      detail:
        `${duplicates} duplicate creates; ${a.kills.insideSubmitWindow} kills caught ${windows} creates inside ` +
        `their submit window; ` +
        `unexplained ${a.creates.unexplained.length}${sample(a.creates.unexplained)}`,
    },
    {
      name: 'no webhook fails signature verification',
      ok: a.webhooks.signatureFailures === 0,
      detail: `${a.webhooks.signatureFailures} signature failures`,
    },
  ];
}
