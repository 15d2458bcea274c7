// Generated AArch64 executables of any size, for translation scaling (scripts/translate-curve.ts)
// and for tests that need a translation that takes a while. Each exits with status 0.
import { writeElf } from './elf-writer.ts';

/**
 * - calls: one function with `n` call sites (`bl leaf`), every return address an entry point
 * - fans: `_start` calls `n` small functions in turn
 * - chain: `n` functions, each calling the next (a deep call graph, one call site each)
 */
export type Shape = 'calls' | 'fans' | 'chain';

const BASE = 0x400000;
const RET = 0xd65f03c0, NOP = 0xd503201f;
const EXIT = [0xd2800000, 0xd2800ba8, 0xd4000001]; // mov x0, #0; mov x8, #93 (exit); svc #0
const STP_FP_LR = 0xa9bf7bfd, LDP_FP_LR = 0xa8c17bfd; // stp x29, x30, [sp, #-16]!; ldp x29, x30, [sp], #16
const ADD_X0_1 = 0x91000400;
const bl = (from: number, to: number) => 0x94000000 | (((to - from) >> 2) & 0x3ffffff);

export function largeElf(shape: Shape, n: number): Uint8Array {
  const w: number[] = [];
  const here = () => BASE + 4 * w.length;
  if (shape === 'calls') {
    const leaf = BASE + 4 * (n + EXIT.length);
    for (let i = 0; i < n; i++) w.push(bl(here(), leaf));
    w.push(...EXIT, RET);
  } else if (shape === 'fans') {
    const first = BASE + 4 * (n + EXIT.length);
    for (let i = 0; i < n; i++) w.push(bl(here(), first + 8 * i));
    w.push(...EXIT);
    for (let i = 0; i < n; i++) w.push(ADD_X0_1, RET);
  } else {
    const first = BASE + 4 * (1 + EXIT.length);
    w.push(bl(BASE, first), ...EXIT);
    for (let i = 0; i < n; i++) {
      w.push(STP_FP_LR);
      w.push(i + 1 < n ? bl(here(), here() + 12) : NOP, LDP_FP_LR, RET);
    }
  }
  return writeElf(BASE, [{ vaddr: BASE, bytes: new Uint8Array(new Uint32Array(w).buffer), flags: 5 }]);
}
