// Advanced SIMD half-precision (FEAT_FP16) three-same, vector (Vd.4H/8H) and scalar (Hd), the
// scalar pairwise forms (Hd, Vn.2H) and across lanes (Hd, Vn.4H/8H). The forms are those of the
// single and double precision table (simd-fp.ts descF3) plus FRECPS/FRSQRTS, a lane at a time
// through the scalar half-precision helpers (simd-fp16-ops.ts). Two-register misc, fixed point
// and FMOV immediate: simd-fp16-misc.ts; by element: simd-fp16-elem.ts.
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { type G, vget, writeForm, writeScalarV } from '../simd-ops.ts';
import { binLane, callHalf, cmpLane, fmaLane, half, halfLanes } from '../simd-fp16-ops.ts';
import { descF3, type FBin } from './simd-fp.ts';
import { pairwise } from './simd-int.ts';

const key = (f: Fields) => (f.U! << 4) | (f.a! << 3) | f.opc!;
const RECPS = 0b00111, RSQRTS = 0b01111;
/** the three-same forms with a scalar (Hd, Hn, Hm) encoding: FMULX FCMEQ FCMGE FACGE FABD FCMGT FACGT FRECPS FRSQRTS */
const SCALAR = new Set([0b00011, 0b00100, 0b10100, 0b10101, 0b11010, 0b11100, 0b11101, RECPS, RSQRTS]);

function threeSame(f: Fields, b: Builder, scalar: boolean): void {
  const count = scalar ? 1 : f.Q ? 8 : 4, x = vget(b, f.rn!), y = vget(b, f.rm!), d = descF3(f.U!, f.a!, f.opc!), k = key(f);
  const lanes = (one: (i: number) => Expr) => halfLanes(b, count, one);
  const X = (i: number) => half(b, x, i), Y = (i: number) => half(b, y, i);
  let v: Expr;
  if (k === RECPS || k === RSQRTS) v = lanes((i) => callHalf(b, k === RECPS ? 'fph_recps' : 'fph_rsqrts', [X(i), Y(i)]));
  else if (d!.kind === 'fma') {
    const acc = vget(b, f.rd!), neg = d!.neg;
    v = lanes((i) => fmaLane(b, neg, X(i), Y(i), half(b, acc, i)));
  } else if (d!.kind === 'cmp') {
    const op = d!.op;
    v = lanes((i) => cmpLane(b, op, X(i), Y(i)));
  } else if (d!.pair) {
    const op = d!.op;
    v = pairwise(b, 16, f.Q!, x, y, (p, r) => lanes((i) => binLane(b, op, half(b, p, i), half(b, r, i))));
  } else {
    const op = d!.op;
    v = lanes((i) => binLane(b, op, X(i), Y(i)));
  }
  writeForm(b, f.rd!, v, { q: scalar ? 0 : f.Q!, esize: 16, scalar });
}

const known = (f: Fields) => !!descF3(f.U!, f.a!, f.opc!) || key(f) === RECPS || key(f) === RSQRTS;

/** FMAXNM(P/V) (opcode 01100), FADDP (01101, a = 0), FMAX(P/V) (01111); a selects the minimum */
const reduceOp = (f: Fields): FBin => (f.opcode === 0b01101 ? 'add' : f.opcode === 0b01100 ? (f.a ? 'minnm' : 'maxnm') : (f.a ? 'min' : 'max'));

/** Arm's Reduce: the halves reduced separately, then combined (((e0 op e1) op (e2 op e3)) op …) */
function reduce(b: Builder, op: FBin, x: G, first: number, count: number): Expr {
  if (count === 1) return half(b, x, first);
  return binLane(b, op, reduce(b, op, x, first, count / 2), reduce(b, op, x, first + count / 2, count / 2));
}

export const simdFp16Rows: Row[] = [
  row('SIMD_3same_fp16', '0 Q U 01110 a 10 rm:5 00 opc:3 1 rn:5 rd:5', (f, b) => threeSame(f, b, false), { guard: known }),
  row('SIMD_3same_fp16_scalar', '01 U 11110 a 10 rm:5 00 opc:3 1 rn:5 rd:5', (f, b) => threeSame(f, b, true), { guard: (f) => SCALAR.has(key(f)) }),
  // FMAXNMP FADDP FMAXP / FMINNMP FMINP Hd, Vn.2H
  row('SIMD_pair_fp16_scalar', '01 0 11110 a 0 11000 opcode:5 10 rn:5 rd:5', (f, b) => {
    writeScalarV(b, f.rd!, halfLanes(b, 1, () => reduce(b, reduceOp(f), vget(b, f.rn!), 0, 2)), 16);
  }, { guard: (f) => f.opcode === 0b01100 || f.opcode === 0b01111 || (f.opcode === 0b01101 && f.a === 0) }),
  // FMAXNMV FMAXV / FMINNMV FMINV Hd, Vn.4H/8H
  row('SIMD_across_fp16', '0 Q 0 01110 a 0 11000 opcode:5 10 rn:5 rd:5', (f, b) => {
    writeScalarV(b, f.rd!, halfLanes(b, 1, () => reduce(b, reduceOp(f), vget(b, f.rn!), 0, f.Q ? 8 : 4)), 16);
  }, { guard: (f) => f.opcode === 0b01100 || f.opcode === 0b01111 }),
];
