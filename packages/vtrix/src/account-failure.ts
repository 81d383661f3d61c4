/**
 * Whether an upstream refusal is about the account (bad key, no balance, no permission), so every
 * create would fail the same way until an operator acts: submission pauses instead of failing each
 * queued generation. Decided by the upstream's error code where it gives one (DashScope answers
 * `Arrearage` as an HTTP 400; a 403 may be a per-request refusal), by the HTTP status otherwise.
 */
const ACCOUNT_CODES = new Set([
  'InvalidApiKey',
  'Arrearage',
  'AccessDenied.Unpurchased',
  'AllocationQuota.FreeTierOnly',
  'InsufficientBalance',
  'insufficient_balance',
  'insufficient_quota',
  'AccountSuspended',
  'Unauthorized',
]);

/** Codes that refuse one request, whatever status they come with. */
const REQUEST_CODES = new Set([
  'InvalidParameter',
  'InvalidURL',
  'DataInspectionFailed',
  'DataInspection',
  'IPInfringementSuspect',
  'BadRequest.TooLarge',
]);

export function isAccountFailure(httpStatus: number | undefined, upstreamCode: string | undefined): boolean {
  if (upstreamCode && ACCOUNT_CODES.has(upstreamCode)) return true;
  if (upstreamCode && REQUEST_CODES.has(upstreamCode)) return false;
  return httpStatus === 401 || httpStatus === 402 || httpStatus === 403;
}
