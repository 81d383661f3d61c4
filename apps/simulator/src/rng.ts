/**
 * Seedable PRNG (mulberry32): every random choice the simulator makes comes from here, so a
 * test that fixes the seed and the clock sees the same tasks, faults and variants each run.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /**
   * True with probability `p`. Draws nothing when p ≤ 0 or p ≥ 1, so switching a fault off
   * (or fully on) leaves the rest of the sequence unchanged.
   */
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 4294967296;
  return {
    next,
    uint32,
    int: (n) => Math.floor(next() * n),
    chance: (p) => (p <= 0 ? false : p >= 1 ? true : next() < p),
  };
}
