// The AArch64 register file as the emitter sees it: which guest registers live in Wasm
// locals, with their Wasm type and home in the state block.
import type { RegisterDesc } from '../../lift/types.ts';
import { STATE } from '../../runtime/layout.ts';

export const SP = 31;
export const FLAG_N = 32, FLAG_Z = 33, FLAG_C = 34, FLAG_V = 35;
/** v0..v31 are registers VREG+0 .. VREG+31 */
export const VREG = 36;
/**
 * The local exclusive monitor (table/exclusive.ts) as registers, so that an LDAXR…STLXR loop keeps
 * it in locals: the marked address (complemented; 0 = none), the value(s) the load exclusive read.
 */
export const EXCL_ADDR = 68, EXCL_VAL = 69, EXCL_HIGH = 70;

export const registers: RegisterDesc[] = [
  ...Array.from({ length: 31 }, (_, n): RegisterDesc => ({ name: `x${n}`, type: 'i64', offset: STATE.x(n) })),
  { name: 'sp', type: 'i64', offset: STATE.sp },
  { name: 'n', type: 'i32', offset: STATE.n },
  { name: 'z', type: 'i32', offset: STATE.z },
  { name: 'c', type: 'i32', offset: STATE.c },
  { name: 'v', type: 'i32', offset: STATE.v },
  ...Array.from({ length: 32 }, (_, n): RegisterDesc => ({ name: `v${n}`, type: 'v128', offset: STATE.vreg(n) })),
  { name: 'excl_addr', type: 'i64', offset: STATE.exclusiveAddr },
  { name: 'excl_val', type: 'i64', offset: STATE.exclusiveVal },
  { name: 'excl_high', type: 'i64', offset: STATE.exclusiveHigh },
];
