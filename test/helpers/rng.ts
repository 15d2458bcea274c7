// Deterministic random numbers for tests (xorshift32); FP_SEED in the environment
// replays another sequence.
export function rng(defaultSeed: number): { rnd32(): number; rnd64(): bigint; rndInt(n: number): number } {
  let seed = Number(process.env.FP_SEED ?? defaultSeed) >>> 0 || 1;
  const rnd32 = (): number => {
    seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
    return seed;
  };
  return { rnd32, rnd64: () => (BigInt(rnd32()) << 32n) | BigInt(rnd32()), rndInt: (n) => rnd32() % n };
}
