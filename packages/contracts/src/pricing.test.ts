import { describe, expect, it } from 'vitest';
import { estimateMicroUsd, parsePrices } from './pricing.ts';

describe('prices', () => {
  it('parses PRICE_USD_PER_SECOND and estimates from duration and resolution, with the upstream defaults', () => {
    const { prices } = parsePrices('720P:0.2, 1080P:0.5');
    expect(prices).toEqual({ '720P': 0.2, '1080P': 0.5 });
    const media = [{ type: 'first_frame' as const, url: 'https://example.com/a.png' }];
    expect(
      estimateMicroUsd({ input: { media }, parameters: { duration: 10, resolution: '720P' } }, prices),
    ).toBe(2_000_000);
    // 5 s at 1080P when the request leaves them out.
    expect(estimateMicroUsd({ input: { media } }, prices)).toBe(2_500_000);
  });

  it('names every broken rule at once', () => {
    expect(parsePrices('720P:x,4K:1').problems).toEqual([
      'the price of 720P must be a number of US dollars, at least 0',
      '"4K:1" must be <resolution>:<US dollars per second>, the resolution 720P or 1080P',
      'needs a price for 1080P',
    ]);
  });
});
