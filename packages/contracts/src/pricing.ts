import { type GenerationRequest, RESOLUTIONS } from './generation-request.ts';

/** US dollars per second of video, by resolution (PRICE_USD_PER_SECOND). */
export type Prices = Record<(typeof RESOLUTIONS)[number], number>;

/** Resellers' published prices (docs/upstream/VTRIX.md); the upstream's own are not published. */
export const DEFAULT_PRICES: Prices = { '720P': 0.1, '1080P': 0.15 };
/** The upstream's defaults for a request that leaves them out (docs/upstream/VTRIX.md). */
const DEFAULT_DURATION_S = 5;
const DEFAULT_RESOLUTION = '1080P';

/** Costs are kept in whole micro-dollars, so sums in Redis are exact. */
export const MICRO_USD = 1_000_000;
export const toMicroUsd = (usd: number): number => Math.round(usd * MICRO_USD);
export const fromMicroUsd = (micro: number): number => micro / MICRO_USD;

/** The estimate reserved against a tenant's budget at enqueue, in micro-dollars. */
export function estimateMicroUsd(request: GenerationRequest, prices: Prices = DEFAULT_PRICES): number {
  const seconds = request.parameters?.duration ?? DEFAULT_DURATION_S;
  const resolution = request.parameters?.resolution ?? DEFAULT_RESOLUTION;
  return toMicroUsd(seconds * prices[resolution]);
}

/**
 * PRICE_USD_PER_SECOND: `720P:0.10,1080P:0.15`; every resolution must be priced. Returns the
 * rules broken (without the variable's name, which the caller adds) instead of throwing, so
 * config errors come all at once.
 */
export function parsePrices(text: string): { prices?: Prices; problems: string[] } {
  const problems: string[] = [];
  const prices: Partial<Record<string, number>> = {};
  const known: readonly string[] = RESOLUTIONS;
  const named = new Set<string>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [res = '', value = '', ...rest] = part.split(':');
    const usd = Number(value);
    if (known.includes(res)) named.add(res);
    if (rest.length || !known.includes(res))
      problems.push(
        `"${part}" must be <resolution>:<US dollars per second>, the resolution ${RESOLUTIONS.join(' or ')}`,
      );
    else if (!value.trim() || !Number.isFinite(usd) || usd < 0)
      problems.push(`the price of ${res} must be a number of US dollars, at least 0`);
    else prices[res] = usd;
  }
  for (const res of RESOLUTIONS) if (!named.has(res)) problems.push(`needs a price for ${res}`);
  return problems.length ? { problems } : { prices: prices as Prices, problems };
}
