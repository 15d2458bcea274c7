// FCADD and FCMLA (vector and by element), FEAT_FCMA: complex numbers as (real, imaginary) pairs
// of half, single or double lanes. Each is FADD or FMLA (d + x·y, fused) lane by lane on operands
// rearranged within the pairs, so it rounds, honours FPCR (the fast path and strict lanes of
// simd-fp.ts, the half helpers) and picks its NaN exactly as those do. The Arm ARM's FPNeg of a Vm
// element is a sign flip made first, as in qemu: a NaN from it comes out with its sign flipped.
//
//   FCMLA #0:   re += n.re·m.re   im += n.re·m.im     FCADD #90:  re = n.re - m.im   im = n.im + m.re
//   FCMLA #90:  re -= n.im·m.im   im += n.im·m.re     FCADD #270: re = n.re + m.im   im = n.im - m.re
//   FCMLA #180: re -= n.re·m.re   im -= n.re·m.im
//   FCMLA #270: re += n.im·m.im   im -= n.im·m.re
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { type G, shuffleElems, vbig, vget, vtmp, writeV } from '../simd-ops.ts';
import { fl, strictBin, strictLanes } from '../simd-fp-strict.ts';
import { binLane, fmaLane, half, halfLanes } from '../simd-fp16-ops.ts';
import { fbin, fmaVector } from './simd-fp.ts';

/**
 * The vector of x's pairs (or its pair `pair`, repeated) taken as lane 2k = element `re` of the
 * pair, lane 2k+1 = element `im`, the signs flipped where `neg` says ([real lane, imaginary lane])
 */
function rearrange(b: Builder, e: number, x: G, re: number, im: number, neg: [boolean, boolean] = [false, false], pair?: number): G {
  const lanes = 128 / e, elems: number[] = [];
  let signs = 0n;
  for (let k = 0; k < lanes; k += 2) {
    const first = pair === undefined ? k : 2 * pair;
    elems.push(first + re, first + im);
  }
  for (let i = 0; i < lanes; i++) if (neg[i & 1]) signs |= 1n << BigInt(i * e + e - 1);
  const v = shuffleElems(b, x(), x(), e, elems);
  return vtmp(b, signs ? b.m.v128.xor(v, vbig(b, signs)) : v);
}

/** Vd = x + y (add) or Vd + x·y (fma, fused) in each `e`-bit lane of the form */
function laneOp(f: Fields, b: Builder, op: 'add' | 'fma', x: G, y: G): void {
  const e = 8 << f.size!, count = (f.Q ? 128 : 64) / e, d = vget(b, f.rd!);
  let v: Expr;
  if (e === 16) {
    v = halfLanes(b, count, (i) => (op === 'add' ? binLane(b, 'add', half(b, x, i), half(b, y, i))
      : fmaLane(b, false, half(b, x, i), half(b, y, i), half(b, d, i))));
  } else if (op === 'add') {
    v = strictLanes(b, e, count, (i) => strictBin(b, e, 'add', () => fl(b, e, x, i), () => fl(b, e, y, i)), fbin(b, e, 'add', x, y));
  } else {
    v = fmaVector(b, e, count, x, y, d, false);
  }
  writeV(b, f.rd!, v, f.Q!);
}

/** FCADD #90 (rot 0) / #270 (rot 1): Vn plus Vm's pairs swapped, the imaginary part (#90) or the real part negated */
function fcadd(f: Fields, b: Builder): void {
  const e = 8 << f.size!;
  laneOp(f, b, 'add', vget(b, f.rn!), rearrange(b, e, vget(b, f.rm!), 1, 0, [f.rot === 0, f.rot === 1]));
}

/** FCMLA #rot (0..3 for 0°..270°), with Vm's pair `pair` (by element) or each of its own */
function fcmla(f: Fields, b: Builder, pair?: number): void {
  const e = 8 << f.size!, flip = f.rot! & 1, negIm = f.rot! >= 2, negRe = (flip === 1) !== negIm;
  const x = rearrange(b, e, vget(b, f.rn!), flip, flip);
  laneOp(f, b, 'fma', x, rearrange(b, e, vget(b, f.rm!), flip, 1 - flip, [negRe, negIm], pair));
}

/** size 01 (H, FEAT_FP16), 10 (S), 11 (D, 128-bit vectors only) */
const sizeOk = (f: Fields) => f.size !== 0 && !(f.size === 3 && !f.Q);

export const complexRows: Row[] = [
  row('FCADD', '0 Q 1 01110 size:2 0 rm:5 1 11 rot 0 1 rn:5 rd:5', fcadd, { guard: sizeOk }),
  row('FCMLA', '0 Q 1 01110 size:2 0 rm:5 1 10 rot:2 1 rn:5 rd:5', (f, b) => fcmla(f, b), { guard: sizeOk }),
  // by element, Vm one of V0–V31 (M:Rm): the pair H:L of halves (the 64-bit form has two: H = 0), or H of singles (128-bit form only)
  row('FCMLA_elem_H', '0 Q 1 01111 01 L rm:5 0 rot:2 1 H 0 rn:5 rd:5', (f, b) => fcmla({ ...f, size: 1 }, b, (f.H! << 1) | f.L!), {
    guard: (f) => !(f.H && !f.Q),
  }),
  row('FCMLA_elem_S', '0 1 1 01111 10 0 rm:5 0 rot:2 1 H 0 rn:5 rd:5', (f, b) => fcmla({ ...f, size: 2, Q: 1 }, b, f.H!)),
];
