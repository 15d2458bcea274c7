// Half-precision lanes of Advanced SIMD (FEAT_FP16): each lane goes through the scalar half
// helpers (fp16-arith.ts, fp-estimate.ts), so it is rounded once, honours FPCR (RMode, FZ16, DN)
// and raises the FPSR flags exactly as the scalar instruction does. Rows: table/simd-fp16*.ts.
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { i32c } from './ops.ts';
import { callH } from './fp-ops.ts';
import { type G, lane, mapLanes } from './simd-ops.ts';
import type { FBin, FCmp } from './table/simd-fp.ts';

const I32 = ir.i32;
export const SIGN = 0x8000;

/** a call of a half helper (i32 bits in, i32 bits out) */
export const callHalf = (b: Builder, name: string, args: Expr[]): Expr => callH(b, name, args, I32);
/** lane i of the vector in `v` as the bits of a half in an i32 */
export const half = (b: Builder, v: G, i: number): Expr => b.m.i32.wrap(lane(b, v(), 16, i));
/** a vector whose first `count` half lanes are `one(i)` (i32 bits), the others zero */
export const halfLanes = (b: Builder, count: number, one: (i: number) => Expr): Expr =>
  mapLanes(b, 16, count, (i) => b.m.i64.extend_u(one(i)));

const MINMAX: Partial<Record<FBin, number>> = { max: 0, min: 1, maxnm: 2, minnm: 3 };
/** one lane of a two-operand op */
export function binLane(b: Builder, op: FBin, x: Expr, y: Expr): Expr {
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div': case 'mulx': return callHalf(b, `fph_${op}`, [x, y]);
    case 'abd': return b.m.i32.and(callHalf(b, 'fph_sub', [x, y]), i32c(b, SIGN - 1)); // FPAbs of the difference, NaN included
    default: return callHalf(b, 'fph_minmax', [x, y, i32c(b, MINMAX[op]!)]);
  }
}

const CMP: Record<FCmp, number> = { eq: 0, ge: 1, gt: 2, age: 3, agt: 4 };
/** one lane of a compare: 0xffff when it holds (never for NaN) */
export const cmpLane = (b: Builder, op: FCmp, x: Expr, y: Expr): Expr => callHalf(b, 'fph_cmp', [x, y, i32c(b, CMP[op])]);

/** one lane of FMLA (addend + x·y, fused) or FMLS (x negated first, so a NaN from x comes out negated) */
export const fmaLane = (b: Builder, neg: boolean, x: Expr, y: Expr, addend: Expr): Expr =>
  callHalf(b, 'fph_fma', [neg ? b.m.i32.xor(x, i32c(b, SIGN)) : x, y, addend]);
