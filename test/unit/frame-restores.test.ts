// Which registers a function gives back as it found them (arch/aarch64/frame-restores.ts), and how
// a call's clobber set leaves them out only while what that relies on holds (wasm/context.ts
// clobberSets). The instructions are gcc's prologue and epilogue shapes, encoded by
// aarch64-linux-gnu-as.
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../../src/arch/aarch64/index.ts';
import { frameRestores } from '../../src/arch/aarch64/frame-restores.ts';
import type { Block, GuestFunction } from '../../src/lift/discover.ts';
import type { FrameRestores } from '../../src/lift/types.ts';
import { clobberSets } from '../../src/wasm/context.ts';

const PROLOGUE = [0xa9be7bfd, 0x910003fd, 0xa90153f3]; // stp x29, x30, [sp, #-32]!; mov x29, sp; stp x19, x20, [sp, #16]
const EPILOGUE = [0xa94153f3, 0xa8c27bfd]; // ldp x19, x20, [sp, #16]; ldp x29, x30, [sp], #32
const MOV_X19_X0 = 0xaa0003f3, BL_0x100 = 0x94000040, RET = 0xd65f03c0, B_0x200 = 0x14000080;
const STR_X0_SP16 = 0xf9000be0; // str x0, [sp, #16]: over x19's slot
const STR_X1_SP_X2 = 0xf8226be1; // str x1, [sp, x2]: anywhere in the frame
const ADD_X9_SP_24 = 0x910063e9, STR_X3_X9_X4 = 0xf8246923; // add x9, sp, #24; str x3, [x9, x4]: a buffer from x20's slot up
const BIG_FRAME = [0xd282060c, 0xcb2c63ff, 0x8b2c63ff]; // mov x12, #0x1030; sub sp, sp, x12; add sp, sp, x12

const CBNZ_X0_12 = 0xb5000060; // cbnz x0, .+12

const ENTRY = 0x1000;

/** a function of the code at ENTRY: a block ends at each branch, call or return, and before a branch target */
function fn(words: number[]): GuestFunction {
  const insns = words.map((w, k) => aarch64.decode(w, ENTRY + 4 * k)), end = ENTRY + 4 * words.length;
  const leaders = new Set([ENTRY]);
  for (const i of insns) {
    if (i.flow.kind !== 'fall') leaders.add(i.pc + 4);
    if ((i.flow.kind === 'cond' || i.flow.kind === 'jump') && i.flow.target < end) leaders.add(i.flow.target);
  }
  const blocks = new Map<number, Block>();
  let start = ENTRY, run: Block['insns'] = [];
  insns.forEach((insn, k) => {
    run.push(insn);
    if (k < insns.length - 1 && !leaders.has(insn.pc + 4)) return;
    blocks.set(start, { start, insns: run, next: insn.pc + 4 });
    start = insn.pc + 4;
    run = [];
  });
  return { entry: ENTRY, name: 'f', blocks, entries: [ENTRY], callees: new Set(), indirect: false };
}

const everyFunction = () => true;

describe('frameRestores', () => {
  it('finds the registers a prologue saves and the epilogue loads again, sp and the frame record', () => {
    const r = frameRestores(fn([...PROLOGUE, MOV_X19_X0, BL_0x100, ...EPILOGUE, RET]), everyFunction);
    // the call may change x0–x18 (and x21–x28, which the function does not save): only the saved ones come back
    expect(r).toEqual({ regs: [19, 20, 29, 30, 31], calls: [ENTRY + 16 + 0x100], tails: [], kept: [31, 29] });
  });

  it('loses a slot another store overwrote', () => {
    expect(frameRestores(fn([...PROLOGUE, MOV_X19_X0, STR_X0_SP16, ...EPILOGUE, RET]), everyFunction).regs).not.toContain(19);
    expect(frameRestores(fn([...PROLOGUE, MOV_X19_X0, STR_X0_SP16, ...EPILOGUE, RET]), everyFunction).regs).toContain(20);
  });

  it('loses every slot to a store through a frame address at an unknown offset', () => {
    for (const store of [[STR_X1_SP_X2], [ADD_X9_SP_24, STR_X3_X9_X4]]) {
      const r = frameRestores(fn([...PROLOGUE, MOV_X19_X0, ...store, ...EPILOGUE, RET]), everyFunction).regs;
      expect(r).toContain(31);
      for (const x of [19, 20, 29, 30]) expect(r).not.toContain(x);
    }
  });

  it('follows only the saved x19–x30 through the frame: a struct argument spilled there and passed by address is not x0 and x1 coming back', () => {
    // libjq's block_join caller: mov x6, x0; mov x7, x1; sub sp, sp, #0x30; stp x29, x30, [sp, #32];
    // add x29, sp, #0x20; add x0, sp, #8; stp x6, x7, [sp, #8]; bl; ldp x2, x3, [sp, #8];
    // ldp x29, x30, [sp, #32]; mov x0, x2; mov x1, x3; add sp, sp, #0x30; ret
    const words = [0xaa0003e6, 0xaa0103e7, 0xd100c3ff, 0xa9027bfd, 0x910083fd, 0x910023e0, 0xa9009fe6, BL_0x100,
      0xa9408fe2, 0xa9427bfd, 0xaa0203e0, 0xaa0303e1, 0x9100c3ff, RET];
    for (const w of [words, words.filter((x) => x !== BL_0x100)]) {
      const r = frameRestores(fn(w), everyFunction).regs;
      expect(r).toEqual(expect.arrayContaining([29, 30, 31]));
      expect(r).not.toContain(0);
      expect(r).not.toContain(1);
    }
  });

  it('follows a frame sized by a constant in a register', () => {
    const r = frameRestores(fn([...BIG_FRAME, RET]), everyFunction).regs;
    expect(r).toContain(31);
    expect(r).not.toContain(12);
  });

  it('counts a tail call as a return through its callee', () => {
    const r = frameRestores(fn([0xa9be7bfd, 0x910003fd, 0xa8c27bfd, B_0x200]), everyFunction);
    expect(r.tails).toEqual([ENTRY + 12 + 0x200]);
    expect(r.regs).toEqual(expect.arrayContaining([29, 30, 31]));
  });

  it('gives a function that never returns nothing: after a call to it, only unwinding arrives, with x0 and x1 set', () => {
    expect(frameRestores(fn([BL_0x100]), everyFunction)).toEqual({ regs: [], calls: [], tails: [], kept: [] });
  });

  it('follows the code after a call that does not return: a landing pad unwinding reaches in the same frame', () => {
    // cbnz x0 to the epilogue; else bl (a call that does not return, as discovery found), then the
    // landing pad: str x0, [sp, #16] over x19's slot, and on into the epilogue
    const f = fn([...PROLOGUE, CBNZ_X0_12, BL_0x100, STR_X0_SP16, ...EPILOGUE, RET]);
    f.deadReturns = new Set([ENTRY + 20]);
    const r = frameRestores(f, everyFunction);
    expect(r.calls).toEqual([ENTRY + 16 + 0x100]);
    expect(r.regs).not.toContain(19);
    expect(r.regs).toEqual(expect.arrayContaining([20, 29, 30, 31]));
  });

  it('takes code that is no function, called or jumped to, to keep sp and x29 as the ABI has it', () => {
    const r = frameRestores(fn([...PROLOGUE, BL_0x100, ...EPILOGUE, RET]), () => false);
    expect(r.calls).toEqual([]);
    expect(r.regs).toEqual([19, 20, 29, 30, 31]);
  });
});

describe('clobberSets with restores', () => {
  const F = 0x1000, G = 0x2000, T = 0x3000;
  const guest = (entry: number, callees: number[]): GuestFunction => ({ entry, name: `f${entry}`, blocks: new Map(), entries: [entry], callees: new Set(callees), indirect: false });
  const restores = (regs: number[], calls: number[] = [], tails: number[] = []): FrameRestores => ({ regs, calls, tails, kept: [31, 29] });
  const sorted = (s: Set<number> | undefined) => (s ? [...s].sort((a, b) => a - b) : 'all');

  it('leaves out what a function restores, and keeps out what its callees restore', () => {
    const fns = [guest(F, [G]), guest(G, [])];
    const writes = new Map([[F, new Set([0, 19, 29, 30, 31])], [G, new Set([0, 1, 19, 31])]]);
    const sets = clobberSets(fns, writes, new Map([[F, restores([19, 29, 30, 31], [G])], [G, restores([19, 31])]]));
    expect(sorted(sets.get(G))).toEqual([0, 1]);
    expect(sorted(sets.get(F))).toEqual([0, 1]);
  });

  it('drops a function\'s restores when a callee it relies on may change sp', () => {
    const fns = [guest(F, [G]), guest(G, [])];
    const writes = new Map([[F, new Set([0, 19, 31])], [G, new Set([0, 31])]]);
    const sets = clobberSets(fns, writes, new Map([[F, restores([19, 31], [G])], [G, restores([])]]));
    expect(sorted(sets.get(F))).toEqual([0, 19, 31]);
  });

  it('lets a recursive function rely on itself, and a function with indirect calls clobber all but what it restores', () => {
    const fns = [guest(F, [F]), { ...guest(G, []), indirect: true }];
    const writes = new Map([[F, new Set([0, 19, 31])], [G, new Set([0])]]);
    const sets = clobberSets(fns, writes, new Map([[F, restores([19, 31], [F])], [G, restores([19, 20, 29, 30, 31])]]));
    expect(sorted(sets.get(F))).toEqual([0]);
    const g = sets.get(G)!;
    expect(g.has(0) && g.has(18) && g.has(40) && !g.has(19) && !g.has(31)).toBe(true);
  });

  it('keeps what a tail callee may change', () => {
    const fns = [guest(F, [T]), guest(T, [])];
    const writes = new Map([[F, new Set([19, 20, 31])], [T, new Set([19])]]);
    const sets = clobberSets(fns, writes, new Map([[F, restores([19, 20, 31], [], [T])], [T, restores([])]]));
    expect(sorted(sets.get(F))).toEqual([19]);
  });
});
