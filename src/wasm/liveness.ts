// Register dataflow over a function's blocks, on bit sets (functions have tens of thousands of
// blocks and ~100 registers): backward liveness, and forward "dirtiness" (which registers' locals
// may differ from the state block), which decides what a boundary stores (function.ts: flushed, analyse).
import { mapped } from '../lift/arrays.ts';

export interface BlockUse {
  /** registers read before the block writes them (a boundary's stores count as reads) */
  gen: Set<number>;
  /** registers the block writes (or reloads after a call) */
  regs: Set<number>;
}

/** `succ`: the successors' starts, unless the analysis is given the blocks' graph */
export interface LiveBlock { start: number; use: BlockUse; succ?: number[] }

/**
 * a block as dirtiness sees it: what it leaves dirty, whether a clean point (state = locals)
 * comes before that, and what its end stores (`kills`: they leave it clean)
 */
export interface DirtyBlock { start: number; dirty: Set<number>; cleans: boolean; kills?: Set<number>; succ?: number[] }

/** the blocks' order (by start) and successors (by that order), for several analyses of the same blocks */
export interface Graph { index: Map<number, number>; succ: number[][] }

export function graph(blocks: { start: number; succ?: number[] }[]): Graph {
  const index = new Map(blocks.map((b, i) => [b.start, i]));
  return { index, succ: mapped(blocks, (b) => (b.succ ?? []).flatMap((s) => index.get(s) ?? [])) };
}

/** per-block bit sets over the tracked registers */
class Bits {
  readonly W: number;
  private readonly bit: Int32Array;
  readonly index: Map<number, number>;
  readonly succ: number[][];
  constructor(readonly regs: readonly number[], count: number, g: Graph) {
    this.bit = new Int32Array(count).fill(-1); // each tracked register's bit; -1 for the others
    regs.forEach((r, k) => { this.bit[r] = k; });
    this.W = (regs.length + 31) >>> 5;
    this.index = g.index;
    this.succ = g.succ;
  }
  array(fill = 0): Int32Array { return new Int32Array(this.index.size * this.W).fill(fill); }
  add(a: Int32Array, i: number, r: number): void {
    const k = this.bit[r]!;
    if (k >= 0) a[i * this.W + (k >>> 5)]! |= 1 << (k & 31);
  }
  remove(a: Int32Array, i: number, r: number): void {
    const k = this.bit[r]!;
    if (k >= 0) a[i * this.W + (k >>> 5)]! &= ~(1 << (k & 31));
  }
  /** the registers of block `start` set in `a` (of `only`), in the tracked registers' order */
  reader(a: Int32Array): (start: number, only?: readonly number[]) => number[] {
    return (start, only) => {
      const i = this.index.get(start);
      if (i === undefined) return [];
      if (only) return only.filter((r) => this.bit[r]! >= 0 && a[i * this.W + (this.bit[r]! >>> 5)]! & (1 << (this.bit[r]! & 31)));
      const out: number[] = [];
      for (let w = 0; w < this.W; w++) {
        for (let v = a[i * this.W + w]!; v !== 0; v &= v - 1) out.push(this.regs[w * 32 + 31 - Math.clz32(v & -v)]!);
      }
      return out;
    };
  }
}

/**
 * The registers (numbered below `count`) live on entry to each block, by its start: of `only` if
 * given. `tracked`: the registers asked about at all (default every one), so that the flags'
 * liveness, asked of every function, solves over four bits rather than a hundred.
 */
export function liveness(blocks: LiveBlock[], count: number, tracked?: readonly number[], g = graph(blocks)): (start: number, only?: readonly number[]) => number[] {
  const b = new Bits(tracked ?? Array.from({ length: count }, (_, r) => r), count, g);
  const W = b.W, n = blocks.length;
  const gen = b.array(), keep = b.array(~0), live = b.array();
  blocks.forEach((blk, i) => {
    blk.use.gen.forEach((r) => b.add(gen, i, r));
    blk.use.regs.forEach((r) => b.remove(keep, i, r));
  });
  // indexed loops: the translator runs mostly in the engine's baseline tier, where for-of allocates per step
  for (let changed = true; changed;) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const succ = b.succ[i]!;
      for (let w = 0; w < W; w++) {
        let out = 0;
        for (let k = 0; k < succ.length; k++) out |= live[succ[k]! * W + w]!;
        const v = gen[i * W + w]! | (out & keep[i * W + w]!);
        if (v !== live[i * W + w]) { live[i * W + w] = v; changed = true; }
      }
    }
  }
  return b.reader(live);
}

/**
 * The registers that may be dirty on entry to each block: written on some path from an entry
 * point (where every local is loaded from, or stands for, the state block) since the last
 * clean point on that path. `tracked` as for liveness.
 */
export function dirtiness(blocks: DirtyBlock[], count: number, tracked?: readonly number[], g = graph(blocks)): (start: number) => number[] {
  const b = new Bits(tracked ?? Array.from({ length: count }, (_, r) => r), count, g);
  const W = b.W, n = blocks.length;
  const gen = b.array(), dirty = b.array(), kept = b.array(-1);
  blocks.forEach((blk, i) => {
    blk.dirty.forEach((r) => b.add(gen, i, r));
    blk.kills?.forEach((r) => b.remove(kept, i, r));
  });
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < n; i++) {
      const cleans = blocks[i]!.cleans, succ = b.succ[i]!;
      for (let k = 0; k < succ.length; k++) {
        const s = succ[k]!;
        for (let w = 0; w < W; w++) {
          const out = (gen[i * W + w]! | (cleans ? 0 : dirty[i * W + w]!)) & kept[i * W + w]!;
          const v = dirty[s * W + w]! | out;
          if (v !== dirty[s * W + w]) { dirty[s * W + w] = v; changed = true; }
        }
      }
    }
  }
  return b.reader(dirty);
}
