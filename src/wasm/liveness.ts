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

/** the registers (numbered below `count`; of `only` if given) live on entry to each block, by its start */
export function liveness(blocks: LiveBlock[], count: number, boundaries: boolean): (start: number, only?: readonly number[]) => number[] {
  const W = (count + 31) >>> 5, n = blocks.length;
  const index = new Map(blocks.map((b, i) => [b.start, i]));
  const gen = new Int32Array(n * W), keep = new Int32Array(n * W), live = new Int32Array(n * W);
  const set = (a: Int32Array, i: number, r: number) => { a[i * W + (r >>> 5)]! |= 1 << (r & 31); };
  blocks.forEach((b, i) => {
    for (const r of b.use.gen) set(gen, i, r);
    if (boundaries && b.use.boundary) for (let r = 0; r < count; r++) if (!b.use.boundary.has(r)) set(gen, i, r);
    for (let w = 0; w < W; w++) keep[i * W + w] = ~0;
    for (const r of b.use.regs) keep[i * W + (r >>> 5)]! &= ~(1 << (r & 31));
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
  const all = Array.from({ length: count }, (_, r) => r);
  return (start, only = all) => {
    const i = index.get(start);
    return i === undefined ? [] : only.filter((r) => live[i * W + (r >>> 5)]! & (1 << (r & 31)));
  };
}
