// Where translated loops count and re-enter (wasm/reentry.ts), and the register dataflow that
// decides what a re-entry, a call or a return stores and what an entry loads (wasm/liveness.ts:
// liveness, dirtiness), on small graphs. Whole programs run in the fixture suites against qemu
// (test/reentry-stress.test.ts with every loop re-entering all the time).
import { describe, expect, it } from 'vitest';
import type { CfgNode, Exit } from '../../src/wasm/cfg.ts';
import { dirtiness, liveness, type LiveBlock } from '../../src/wasm/liveness.ts';
import { loopHeads } from '../../src/wasm/reentry.ts';

/** a graph from its exits (the code is never looked at) */
const graph = (exits: Exit[]): CfgNode[] => exits.map((exit) => ({ code: 0, exit }));
const goto = (to: number): Exit => ({ kind: 'goto', to });
const cond = (taken: number, fall: number): Exit => ({ kind: 'cond', cond: 0, taken, fall });
const none: Exit = { kind: 'none' };

describe('loopHeads', () => {
  it('a graph without loops has nothing to count', () => {
    expect(loopHeads(graph([goto(1), cond(2, 3), goto(3), none]))).toEqual({ counted: [], reentries: [] });
  });

  it('nested loops count at both heads and re-enter at both', () => {
    // 1: outer head, 2: inner loop on itself, 3: the outer back edge, 4: exit
    const g = graph([goto(1), cond(2, 4), cond(2, 3), goto(1), none]);
    expect(loopHeads(g)).toEqual({ counted: [1, 2], reentries: [1, 2] });
    expect(loopHeads(g, 1)).toEqual({ counted: [1, 2], reentries: [1] });
  });

  it('a loop nest three deep re-enters at its two outer levels', () => {
    // 1 → 2 → 3 → 4 (innermost, on itself) → 5 (back to 2) → 6 (back to 1) → 7
    const g = graph([goto(1), goto(2), goto(3), goto(4), cond(4, 5), cond(2, 6), cond(1, 7), none]);
    expect(loopHeads(g)).toEqual({ counted: [1, 2, 4], reentries: [1, 2] });
    expect(loopHeads(g, 3)).toEqual({ counted: [1, 2, 4], reentries: [1, 2, 4] });
  });

  it('a block looping on itself is a loop of its own', () => {
    expect(loopHeads(graph([goto(1), cond(1, 2), none]))).toEqual({ counted: [1], reentries: [1] });
  });

  it('sibling loops each re-enter at their head', () => {
    const g = graph([goto(1), cond(1, 2), goto(3), cond(4, 5), goto(3), none]);
    expect(loopHeads(g)).toEqual({ counted: [1, 3], reentries: [1, 3] });
  });

  it('a loop entered at a return site too re-enters at its header, not at the return site', () => {
    // the prologue (0) enters at 1 or at 3, a return site inside the loop {2, 3}
    const g = graph([{ kind: 'switch', index: 0, targets: [1, 3], fallback: 1 }, goto(2), cond(3, 4), goto(2), none]);
    expect(loopHeads(g)).toEqual({ counted: [2], reentries: [2] });
  });

  it('a loop nest entered in the middle re-enters at the entry most edges go back to', () => {
    // loop {1, 2, 3}: 3 branches back to 1 and 2 to 1; the prologue also enters at 2
    const g = graph([{ kind: 'switch', index: 0, targets: [1, 2], fallback: 1 }, cond(2, 4), cond(1, 3), goto(1), none]);
    const { reentries } = loopHeads(g);
    expect(reentries).toEqual([1]);
  });

  it("an interpreter's loop re-enters at its dispatch, which every turn passes, not at its entry", () => {
    // 1: the interpreter's start (entered from outside, and by handler 4), 2: the dispatch
    // switching to handlers 3 and 4, which all its turns pass and nothing outside branches to
    const g = graph([goto(1), goto(2), { kind: 'switch', index: 0, targets: [3, 4], fallback: 5 }, goto(2), cond(1, 2), none]);
    // one level: the outer loop's head alone, which the turns through handler 3 never pass
    expect(loopHeads(g, 1)).toEqual({ counted: [1, 2], reentries: [1] });
    expect(loopHeads(g, 1, new Set([2]))).toEqual({ counted: [1, 2], reentries: [2] });
  });
});

describe('liveness', () => {
  const block = (start: number, succ: number[], gen: number[], regs: number[]): LiveBlock =>
    ({ start, succ, use: { gen: new Set(gen), regs: new Set(regs) } });

  it('a register is live from its read back to its last write', () => {
    // 0: writes r1 → 1: reads r1 and r2, writes r2, loops → 2: reads r3
    const blocks = [block(0, [1], [], [1]), block(1, [1, 2], [1, 2], [2]), block(2, [], [3], [])];
    const live = liveness(blocks, 4);
    expect(live(0)).toEqual([2, 3]);
    expect(live(1)).toEqual([1, 2, 3]);
    expect(live(2)).toEqual([3]);
  });

  it('tracks only the registers asked about, if told which', () => {
    // r5 and r70 live across the loop; r1 written and read in it
    const blocks = [block(0, [1], [], [1]), block(1, [1, 2], [1, 5], [1]), block(2, [], [70], [])];
    const live = liveness(blocks, 80, [5, 70]);
    expect(live(0)).toEqual([5, 70]);
    expect(live(2)).toEqual([70]);
    expect(live(1, [1, 5])).toEqual([5]);
  });

  it('works past 32 registers and through long chains', () => {
    const n = 500, regs = 70;
    const blocks = Array.from({ length: n }, (_, k) => block(k * 4, k + 1 < n ? [k * 4 + 4] : [], k === n - 1 ? [69, 31, 32] : [], k === 0 ? [69] : []));
    const live = liveness(blocks, regs);
    expect(live(0)).toEqual([31, 32]);
    expect(live(4)).toEqual([31, 32, 69]);
    expect(live((n - 1) * 4)).toEqual([31, 32, 69]);
  });
});

describe('dirtiness', () => {
  const block = (start: number, succ: number[], dirty: number[], cleans = false) => ({ start, succ, dirty: new Set(dirty), cleans });

  it('a register is dirty from its write on, along every path and around loops', () => {
    // 0 writes r1 → 1 writes r2 and loops → 2
    const dirty = dirtiness([block(0, [1], [1]), block(1, [1, 2], [2]), block(2, [], [])], 4);
    expect(dirty(0)).toEqual([]);
    expect(dirty(1)).toEqual([1, 2]);
    expect(dirty(2)).toEqual([1, 2]);
  });

  it('a clean point leaves dirty only what its block writes after it; another path keeps its own', () => {
    // 0 writes r1 → 1 (a call, then writes r3) → 3; 0 → 2 (no clean point) → 3
    const dirty = dirtiness([block(0, [1, 2], [1]), block(1, [3], [3], true), block(2, [3], [0]), block(3, [], [])], 4);
    expect(dirty(1)).toEqual([1]);
    expect(dirty(3)).toEqual([0, 1, 3]);
    const onlyCall = dirtiness([block(0, [1], [1]), block(1, [3], [3], true), block(3, [], [])], 4);
    expect(onlyCall(3)).toEqual([3]);
  });

  it("what a block's end stores (kills) leaves it clean, what it does not stays dirty", () => {
    // an interpreter's two handlers 1 and 2 jump back to the dispatch 0: 1 writes r1 and r2 and
    // stores r2 at its end, 2 writes r1 and r3 and stores r3 (function.ts splitDispatchStores)
    const kills = (start: number, dirty: number[], killed: number[]) => ({ ...block(start, [0], dirty), kills: new Set(killed) });
    const blocks = [block(0, [1, 2], []), kills(1, [1, 2], [2]), kills(2, [1, 3], [3])];
    expect(dirtiness(blocks, 40)(0)).toEqual([1]);
    expect(dirtiness(blocks, 40)(1)).toEqual([1]);
    // past the first word of the bit sets too
    const wide = [block(0, [1, 2], []), kills(1, [1, 36], [36]), kills(2, [1, 37], [])];
    expect(dirtiness(wide, 40)(0)).toEqual([1, 37]);
  });

  it('works past 32 registers and through long chains, whatever the block order', () => {
    const n = 300;
    // blocks listed last first: the solver must still reach the fixpoint
    const blocks = Array.from({ length: n }, (_, k) => block(k * 4, k + 1 < n ? [k * 4 + 4] : [], k === 0 ? [69, 5] : k === 7 ? [40] : [])).reverse();
    const dirty = dirtiness(blocks, 70);
    expect(dirty(4)).toEqual([5, 69]);
    expect(dirty((n - 1) * 4)).toEqual([5, 40, 69]);
  });
});
