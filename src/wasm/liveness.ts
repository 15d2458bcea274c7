// Backward liveness of guest registers over a function's blocks, on bit sets (functions have
// tens of thousands of blocks and ~100 registers).
//
// A boundary (a call, syscall, return, tail call, indirect jump, or an access whose fault
// stores the registers) needs the whole guest state in the state block: with `boundaries`, it
// reads every register the block has not written before it.

export interface BlockUse {
  /** registers read before the block writes them */
  gen: Set<number>;
  /** registers the block writes */
  regs: Set<number>;
  /** what the block had written when it first reached a boundary, if it reaches one */
  boundary?: Set<number>;
}

export interface LiveBlock { start: number; use: BlockUse; succ: number[] }

/**
 * The registers (numbered below `count`) live on entry to each block, by its start: of `only` if
 * given. `tracked`: the registers asked about at all (default every one), so that the flags'
 * liveness, asked of every function, solves over four bits rather than a hundred.
 */
export function liveness(blocks: LiveBlock[], count: number, boundaries: boolean, tracked?: readonly number[]): (start: number, only?: readonly number[]) => number[] {
  const regs = tracked ?? Array.from({ length: count }, (_, r) => r);
  // each tracked register's bit; -1 for the others
  const bit = new Int32Array(count).fill(-1);
  regs.forEach((r, k) => { bit[r] = k; });
  const W = (regs.length + 31) >>> 5, n = blocks.length;
  const index = new Map(blocks.map((b, i) => [b.start, i]));
  const gen = new Int32Array(n * W), keep = new Int32Array(n * W), live = new Int32Array(n * W);
  const set = (a: Int32Array, i: number, k: number) => { a[i * W + (k >>> 5)]! |= 1 << (k & 31); };
  blocks.forEach((b, i) => {
    for (const r of b.use.gen) if (bit[r]! >= 0) set(gen, i, bit[r]!);
    if (boundaries && b.use.boundary) for (const r of regs) if (!b.use.boundary.has(r)) set(gen, i, bit[r]!);
    for (let w = 0; w < W; w++) keep[i * W + w] = ~0;
    for (const r of b.use.regs) if (bit[r]! >= 0) keep[i * W + (bit[r]! >>> 5)]! &= ~(1 << (bit[r]! & 31));
  });
  const succ = blocks.map((b) => b.succ.flatMap((s) => index.get(s) ?? []));
  for (let changed = true; changed;) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      for (let w = 0; w < W; w++) {
        let out = 0;
        for (const s of succ[i]!) out |= live[s * W + w]!;
        const v = gen[i * W + w]! | (out & keep[i * W + w]!);
        if (v !== live[i * W + w]) { live[i * W + w] = v; changed = true; }
      }
    }
  }
  return (start, only = regs) => {
    const i = index.get(start);
    return i === undefined ? [] : only.filter((r) => bit[r]! >= 0 && live[i * W + (bit[r]! >>> 5)]! & (1 << (bit[r]! & 31)));
  };
}
