/**
 * Seedable PRNG (mulberry32) for the chaos schedule and the enqueue plan: one seed reproduces
 * which worker is killed when, when Redis restarts, when S3 goes away and which requests carry
 * idempotency keys. (Process timing itself is not reproducible; the schedule is.)
 */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  chance(p: number): boolean;
};

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
  };
}

/** A fresh seed when none is given: small enough to type back in with --seed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000_000);
}
