// Flag manipulation (FEAT_FlagM: CFINV, RMIF, SETF8/SETF16; FEAT_FlagM2: AXFLAG, XAFLAG), Arm ARM
// C6.2. They rewrite NZCV from itself or from a register; the flags are 0/1 i32 locals (regs.ts).
import * as ir from '../../../wasm/ir.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { row, type Row } from '../decoder.ts';
import { i32c, i64c, setNZCV, tmp, xr } from '../ops.ts';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z } from '../regs.ts';

const FLAGS = [FLAG_N, FLAG_Z, FLAG_C, FLAG_V];

/** the current flags, read once each (the new values may depend on all four) */
function nzcv(b: Builder): (() => Expr)[] {
  return FLAGS.map((r) => tmp(b, ir.i32, b.get(r)));
}

const not = (b: Builder, e: Expr) => b.m.i32.xor(e, i32c(b, 1));
/** bit k of a 64-bit value as a 0/1 i32 */
const bit = (b: Builder, v: Expr, k: number) => b.m.i32.wrap(b.m.i64.and(b.m.i64.shr_u(v, i64c(b, k)), i64c(b, 1)));

export const flagmRows: Row[] = [
  // CFINV: C = NOT C
  row('CFINV', '1101010100000000 0100 0000 000 11111', (_f, b) => {
    const [n, z, c, v] = nzcv(b);
    setNZCV(b, n!(), z!(), not(b, c!()), v!());
  }),
  // XAFLAG: from the floating-point comparison format into the external one
  row('XAFLAG', '1101010100000000 0100 0000 001 11111', (_f, b) => {
    const m = b.m, [, z, c] = nzcv(b);
    setNZCV(b, m.i32.and(not(b, c!()), not(b, z!())), m.i32.and(z!(), c!()), m.i32.or(c!(), z!()), m.i32.and(not(b, c!()), z!()));
  }),
  // AXFLAG: back (unordered becomes Z and not C)
  row('AXFLAG', '1101010100000000 0100 0000 010 11111', (_f, b) => {
    const m = b.m, [, z, c, v] = nzcv(b);
    setNZCV(b, i32c(b, 0), m.i32.or(z!(), v!()), m.i32.and(c!(), not(b, v!())), i32c(b, 0));
  }),
  // RMIF Xn, #imm6, #mask: the flags named by mask (N Z C V = bits 3..0) from ROR(Xn, imm6)
  row('RMIF', '1 0 1 11010000 imm6:6 00001 rn:5 0 mask:4', (f, b) => {
    const m = b.m, old = nzcv(b);
    const r = tmp(b, ir.i64, f.imm6 ? m.i64.rotr(xr(b, f.rn!), i64c(b, f.imm6)) : xr(b, f.rn!));
    const flag = (k: number) => ((f.mask! >> (3 - k)) & 1 ? bit(b, r(), 3 - k) : old[k]!());
    setNZCV(b, flag(0), flag(1), flag(2), flag(3));
  }),
  // SETF8/SETF16 Wn: N = bit msb, Z = (bits msb..0 == 0), V = bit msb+1 XOR bit msb, C unchanged
  row('SETF', '0 0 1 11010000 000000 sz 0010 rn:5 0 1101', (f, b) => {
    const m = b.m, msb = f.sz ? 15 : 7, x = tmp(b, ir.i64, xr(b, f.rn!)), c = b.get(FLAG_C);
    const low = m.i64.eqz(m.i64.and(x(), i64c(b, (1n << BigInt(msb + 1)) - 1n)));
    setNZCV(b, bit(b, x(), msb), low, c, m.i32.xor(bit(b, x(), msb + 1), bit(b, x(), msb)));
  }),
];
