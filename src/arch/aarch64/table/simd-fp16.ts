// Advanced SIMD half-precision three-same (FEAT_FP16, Vd.4H/8H): the forms of the single and
// double precision table (simd-fp.ts descF3) plus FRECPS/FRSQRTS, a lane at a time through the
// scalar half-precision helpers (fp16-arith.ts), so each lane is rounded once and the NaN rules
// are those of the scalar instructions.
import binaryen from 'binaryen';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i32c } from '../ops.ts';
import { callH } from '../fp-ops.ts';
import { type G, lane, mapLanes, vget, writeForm } from '../simd-ops.ts';
import { descF3, type FBin, type FCmp } from './simd-fp.ts';
import { pairwise } from './simd-int.ts';

const I32 = binaryen.i32, F64 = binaryen.f64;
const SIGN = 0x8000, INF = 0x7c00;
const MINMAX: Partial<Record<FBin, number>> = { max: 0, min: 1, maxnm: 2, minnm: 3 };

const call = (b: Builder, name: string, args: Expr[]) => callH(b, name, args, I32);
const half = (b: Builder, v: G, i: number) => b.m.i32.wrap(lane(b, v(), 16, i));

/** FMULX: FMUL, but 0 × ∞ is ±2 */
function mulx(b: Builder, x: () => Expr, y: () => Expr): Expr {
  const m = b.m, mag = (v: () => Expr) => m.i32.and(v(), i32c(b, SIGN - 1));
  const is = (v: () => Expr, bits: number) => m.i32.eq(mag(v), i32c(b, bits));
  const special = m.i32.or(m.i32.and(is(x, 0), is(y, INF)), m.i32.and(is(x, INF), is(y, 0)));
  return m.if(special, m.i32.or(m.i32.and(m.i32.xor(x(), y()), i32c(b, SIGN)), i32c(b, 0x4000)), call(b, 'fph_mul', [x(), y()]));
}

/** one lane of a two-operand op (bits in, bits out) */
function binLane(b: Builder, op: FBin, x: () => Expr, y: () => Expr): Expr {
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div': return call(b, `fph_${op}`, [x(), y()]);
    case 'abd': return b.m.i32.and(call(b, 'fph_sub', [x(), y()]), i32c(b, SIGN - 1));
    case 'mulx': return mulx(b, x, y);
    default: return call(b, 'fph_minmax', [x(), y(), i32c(b, MINMAX[op]!)]);
  }
}

/** one lane of a compare: all ones when it holds (false for NaN) */
function cmpLane(b: Builder, op: FCmp, x: Expr, y: Expr): Expr {
  const m = b.m, abs = op === 'age' || op === 'agt';
  const d = (v: Expr) => callH(b, 'fp_h2d', [abs ? m.i32.and(v, i32c(b, SIGN - 1)) : v], F64);
  const X = d(x), Y = d(y);
  const t = op === 'eq' ? m.f64.eq(X, Y) : op === 'ge' || op === 'age' ? m.f64.ge(X, Y) : m.f64.gt(X, Y);
  return m.i32.mul(t, i32c(b, 0xffff));
}

const key = (f: Fields) => (f.U! << 4) | (f.a! << 3) | f.opc!;
const RECPS = 0b00111, RSQRTS = 0b01111;

function sem(f: Fields, b: Builder): void {
  const count = f.Q ? 8 : 4, x = vget(b, f.rn!), y = vget(b, f.rm!), d = descF3(f.U!, f.a!, f.opc!);
  const lanes = (one: (i: number) => Expr) => mapLanes(b, 16, count, (i) => b.m.i64.extend_u(one(i)));
  let v: Expr;
  if (key(f) === RECPS || key(f) === RSQRTS) v = lanes((i) => call(b, key(f) === RECPS ? 'fph_recps' : 'fph_rsqrts', [half(b, x, i), half(b, y, i)]));
  else if (d!.kind === 'fma') { // FMLA/FMLS: Vd + (±Vn)·Vm, FMLS negating Vn first
    const acc = vget(b, f.rd!), neg = d!.neg;
    v = lanes((i) => call(b, 'fph_fma', [neg ? b.m.i32.xor(half(b, x, i), i32c(b, SIGN)) : half(b, x, i), half(b, y, i), half(b, acc, i)]));
  } else if (d!.kind === 'cmp') {
    const op = d!.op;
    v = lanes((i) => cmpLane(b, op, half(b, x, i), half(b, y, i)));
  } else if (d!.pair) {
    const op = d!.op;
    v = pairwise(b, 16, f.Q!, x, y, (p, r) => lanes((i) => binLane(b, op, () => half(b, p, i), () => half(b, r, i))));
  } else {
    const op = d!.op;
    v = lanes((i) => binLane(b, op, () => half(b, x, i), () => half(b, y, i)));
  }
  writeForm(b, f.rd!, v, { q: f.Q!, esize: 16, scalar: false });
}

export const simdFp16Rows: Row[] = [
  row('SIMD_3same_fp16', '0 Q U 01110 a 10 rm:5 00 opc:3 1 rn:5 rd:5', sem, {
    guard: (f) => !!descF3(f.U!, f.a!, f.opc!) || key(f) === RECPS || key(f) === RSQRTS,
  }),
];
