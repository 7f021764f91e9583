/**
 * A seeded pseudo-random source for the reliability scenarios: the seed is printed with each
 * figure, so a failing run can be replayed with RELIABILITY_SEED=<seed> (the schedule of
 * edits, delays and cuts repeats; the machine's own timing does not).
 */
export interface Random {
  /** Uniform in [0, 1). */
  (): number;
  readonly seed: number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** The seed from RELIABILITY_SEED, or a fresh one. */
export function reliabilitySeed(): number {
  const fromEnv = process.env.RELIABILITY_SEED;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv) >>> 0;
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/** mulberry32: tiny, fast, and good enough to drive a test schedule. */
export function seededRandom(seed: number = reliabilitySeed()): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random = next as Random;
  Object.assign(random, {
    seed,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (probability: number) => next() < probability,
  });
  return random;
}
