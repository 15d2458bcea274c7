// Dot product (FEAT_DotProd) and the 8-bit integer matrix multiply (FEAT_I8MM): SDOT/UDOT
// (vector and by element), USDOT (vector and by element), SUDOT (by element): each 32-bit lane of
// Vd gains the sum of the four products of the bytes in the same lane of Vn and Vm;
// SMMLA/UMMLA/USMMLA: a 2×8 by 8×2 byte matrix product accumulated into 2×2 words.
//
// In Wasm: the bytes widened to 16 bits (signed or not per operand, so every value fits an i16),
// i32x4.dot_i16x8_s sums the products in pairs, and adding the even and odd pair sums gives the
// four-byte sums. A zero-extended byte times a sign-extended one cannot overflow that.
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { type G, VR, dupLane, shuffleElems, vget, vtmp, writeV } from '../simd-ops.ts';

/** bytes of half `hi` of v widened to 16 bits */
const widen16 = (b: Builder, v: Expr, hi: boolean, signed: boolean) => {
  const o = b.m.i16x8;
  return hi ? (signed ? o.extend_high_i8x16_s(v) : o.extend_high_i8x16_u(v)) : (signed ? o.extend_low_i8x16_s(v) : o.extend_low_i8x16_u(v));
};

/** the products of the 16-bit lanes summed in pairs: 8-byte halves (hi/lo) of n and m, widened by their signs */
const pairs = (b: Builder, n: G, nHi: boolean, nSigned: boolean, m: G, mHi: boolean, mSigned: boolean) =>
  b.m.i32x4.dot_i16x8_s(widen16(b, n(), nHi, nSigned), widen16(b, m(), mHi, mSigned));
/** [x0+x1, x2+x3, y0+y1, y2+y3] */
const pairSums = (b: Builder, x: G, y: G) =>
  b.m.i32x4.add(shuffleElems(b, x(), y(), 32, [0, 2, 4, 6]), shuffleElems(b, x(), y(), 32, [1, 3, 5, 7]));

/** Vd.{2,4}S += dot products of the byte quadruples of n and m */
function dot(b: Builder, d: number, q: number, n: G, m: G, nSigned: boolean, mSigned: boolean): void {
  const lo = vtmp(b, pairs(b, n, false, nSigned, m, false, mSigned)), hi = q ? vtmp(b, pairs(b, n, true, nSigned, m, true, mSigned)) : lo;
  writeV(b, d, b.m.i32x4.add(b.get(VR(d)), pairSums(b, lo, hi)), q);
}

/** SMMLA/UMMLA/USMMLA: Vd (2×2 of i32, row-major) += Vn (2×8 bytes) × Vm (2×8 bytes, as columns) */
function mmla(b: Builder, d: number, n: G, m: G, nSigned: boolean, mSigned: boolean): void {
  const p = (i: number, j: number) => vtmp(b, pairs(b, n, i === 1, nSigned, m, j === 1, mSigned));
  const row0 = vtmp(b, pairSums(b, p(0, 0), p(0, 1))), row1 = vtmp(b, pairSums(b, p(1, 0), p(1, 1)));
  b.set(VR(d), b.m.i32x4.add(b.get(VR(d)), pairSums(b, row0, row1)));
}

/** Vm.4B[H:L] broadcast to every 32-bit lane (Vm is M:Rm, all 32 registers) */
const elem = (b: Builder, f: Fields): G => vtmp(b, dupLane(b, b.get(VR((f.M! << 4) | f.rm!)), 32, (f.H! << 1) | f.L!));

export const dotRows: Row[] = [
  // SDOT (U=0) / UDOT (U=1) Vd.{2,4}S, Vn.{8,16}B, Vm.{8,16}B
  row('SDOT_UDOT', '0 Q U 01110 10 0 rm:5 1 0010 1 rn:5 rd:5', (f, b) => dot(b, f.rd!, f.Q!, vget(b, f.rn!), vget(b, f.rm!), !f.U, !f.U)),
  // USDOT Vd, Vn (unsigned), Vm (signed)
  row('USDOT', '0 Q 0 01110 10 0 rm:5 1 0011 1 rn:5 rd:5', (f, b) => dot(b, f.rd!, f.Q!, vget(b, f.rn!), vget(b, f.rm!), false, true)),
  // SDOT / UDOT Vd, Vn, Vm.4B[index]
  row('SDOT_UDOT_elem', '0 Q U 01111 10 L M rm:4 1110 H 0 rn:5 rd:5', (f, b) => dot(b, f.rd!, f.Q!, vget(b, f.rn!), elem(b, f), !f.U, !f.U)),
  // SUDOT (size 00: Vn signed, Vm unsigned) / USDOT (size 10) Vd, Vn, Vm.4B[index]
  // SMMLA (U=0) / UMMLA (U=1) Vd.4S, Vn.16B, Vm.16B; USMMLA (Vn unsigned, Vm signed)
  row('SMMLA_UMMLA', '0 1 U 01110 10 0 rm:5 1 0100 1 rn:5 rd:5', (f, b) => mmla(b, f.rd!, vget(b, f.rn!), vget(b, f.rm!), !f.U, !f.U)),
  row('USMMLA', '0 1 0 01110 10 0 rm:5 1 0101 1 rn:5 rd:5', (f, b) => mmla(b, f.rd!, vget(b, f.rn!), vget(b, f.rm!), false, true)),
  row('SUDOT_USDOT_elem', '0 Q 0 01111 us 0 L M rm:4 1111 H 0 rn:5 rd:5', (f, b) => dot(b, f.rd!, f.Q!, vget(b, f.rn!), elem(b, f), !f.us, !!f.us)),
];
