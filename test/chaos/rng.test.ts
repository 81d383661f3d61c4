import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';

describe('createRng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('stays in range', () => {
    const rng = createRng(1);
    for (let i = 0; i < 1_000; i++) {
      const x = rng.between(2, 5);
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThan(5);
      expect(rng.int(3)).toBeLessThan(3);
    }
  });
});
