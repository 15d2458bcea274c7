// Helpers shared by the Advanced SIMD semantics: vector register views, constants, lane access,
// shuffles, and the AArch64 NaN rules that Wasm's own float ops leave non-deterministic.
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { i32c, tmp } from './ops.ts';
import { VREG } from './regs.ts';
import { noteSaturatedMask, writeSaturation } from './saturation.ts';

export const V128 = ir.v128;
export const I64 = ir.i64;
export const I32 = ir.i32;
export type G = () => Expr;

/** guest register number of Vn (n wraps modulo 32, as register lists do) */
export const VR = (n: number) => VREG + (n & 31);
/** reader of Vn (each call is a fresh local.get, so the getter may be called many times) */
export const vget = (b: Builder, n: number): G => () => b.get(VR(n));

// ---- constants ----

export function vconst(b: Builder, bytes: ArrayLike<number>): Expr {
  return b.m.v128.const(Array.from(bytes, (x) => x & 0xff));
}
export const vzero = (b: Builder) => vconst(b, new Array(16).fill(0));

/** 128-bit constant from a 128-bit bigint (lane 0 = least significant bits) */
export function vbig(b: Builder, v: bigint): Expr {
  const out: number[] = [];
  for (let i = 0; i < 16; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return vconst(b, out);
}

/** every esize-bit lane holds `v` (truncated) */
export function vsplatc(b: Builder, esize: number, v: bigint | number): Expr {
  const e = BigInt.asUintN(esize, BigInt(v));
  let x = 0n;
  for (let i = 0; i < 128; i += esize) x |= e << BigInt(i);
  return vbig(b, x);
}

/** low `bits` ones */
export const lowMask = (b: Builder, bits: number) => vbig(b, (1n << BigInt(bits)) - 1n);

// ---- per-size namespaces ----

type NS = ir.Module['i32x4'] & Record<string, any>;
/** the builder's integer lane namespace for the element size (i8x16 … i64x2) */
export function ns(b: Builder, esize: number): NS {
  const m = b.m as any;
  return (esize === 8 ? m.i8x16 : esize === 16 ? m.i16x8 : esize === 32 ? m.i32x4 : m.i64x2) as NS;
}
export function fns(b: Builder, esize: number): NS {
  const m = b.m as any;
  return (esize === 32 ? m.f32x4 : m.f64x2) as NS;
}

// ---- register writes ----

/** write Vd: q=1 all 128 bits, q=0 the low 64 bits with the upper half zeroed */
export function writeV(b: Builder, d: number, v: Expr, q: number): void {
  writeSaturation(b, q ? 128 : 64);
  b.set(VR(d), q ? v : b.zeroHigh(v));
}

/** write a scalar of `bits` bits held in the low lane of `v`; the rest of Vd becomes zero */
export function writeScalarV(b: Builder, d: number, v: Expr, bits: number): void {
  writeSaturation(b, bits);
  if (bits === 64) return writeV(b, d, v, 0);
  if (bits === 128) return b.set(VR(d), v);
  b.set(VR(d), b.m.v128.and(v, lowMask(b, bits)));
}

/** final datasize of a vector form */
export function writeForm(b: Builder, d: number, v: Expr, form: Form): void {
  if (form.scalar) writeScalarV(b, d, v, form.esize);
  else writeV(b, d, v, form.q);
}

export interface Form { q: number; esize: number; scalar: boolean }

// ---- lanes ----

/** lane i of v as an i64, zero- or sign-extended */
export function lane(b: Builder, v: Expr, esize: number, i: number, signed = false): Expr {
  const m = b.m, ix = i as never;
  switch (esize) {
    case 8: return signed ? m.i64.extend_s(m.i8x16.extract_lane_s(v, ix)) : m.i64.extend_u(m.i8x16.extract_lane_u(v, ix));
    case 16: return signed ? m.i64.extend_s(m.i16x8.extract_lane_s(v, ix)) : m.i64.extend_u(m.i16x8.extract_lane_u(v, ix));
    case 32: return signed ? m.i64.extend_s(m.i32x4.extract_lane(v, ix)) : m.i64.extend_u(m.i32x4.extract_lane(v, ix));
    default: return m.i64x2.extract_lane(v, ix);
  }
}

/** lane i of v as an i32 (esize ≤ 32) */
export function lane32(b: Builder, v: Expr, esize: number, i: number, signed = false): Expr {
  const m = b.m, ix = i as never;
  switch (esize) {
    case 8: return signed ? m.i8x16.extract_lane_s(v, ix) : m.i8x16.extract_lane_u(v, ix);
    case 16: return signed ? m.i16x8.extract_lane_s(v, ix) : m.i16x8.extract_lane_u(v, ix);
    default: return m.i32x4.extract_lane(v, ix);
  }
}

/** v with lane i replaced by the low esize bits of the i64 `x` */
export function setLane(b: Builder, v: Expr, esize: number, i: number, x: Expr): Expr {
  const m = b.m, ix = i as never;
  switch (esize) {
    case 8: return m.i8x16.replace_lane(v, ix, m.i32.wrap(x));
    case 16: return m.i16x8.replace_lane(v, ix, m.i32.wrap(x));
    case 32: return m.i32x4.replace_lane(v, ix, m.i32.wrap(x));
    default: return m.i64x2.replace_lane(v, ix, x);
  }
}

/** builds a vector lane by lane from i64 values (lanes ≥ count stay as in `init`, default zero) */
export function mapLanes(b: Builder, esize: number, count: number, f: (i: number) => Expr, init?: Expr): Expr {
  let acc = init ?? vzero(b);
  for (let i = 0; i < count; i++) acc = setLane(b, acc, esize, i, f(i));
  return acc;
}

/** the integer x (i64) splatted to every esize lane */
export function splatInt(b: Builder, esize: number, x: Expr): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return m.i8x16.splat(m.i32.wrap(x));
    case 16: return m.i16x8.splat(m.i32.wrap(x));
    case 32: return m.i32x4.splat(m.i32.wrap(x));
    default: return m.i64x2.splat(x);
  }
}

/** lane `idx` of v broadcast to all lanes (a shuffle) */
export function dupLane(b: Builder, v: Expr, esize: number, idx: number): Expr {
  const eb = esize / 8, sel: number[] = [];
  for (let k = 0; k < 16; k++) sel.push(idx * eb + (k % eb));
  return b.m.i8x16.shuffle(v, vzero(b), sel);
}

/**
 * Shuffle by element: `elems[k]` names the source element for result element k, counting the
 * elements of x first (0 … 16/eb-1) then those of y. Missing trailing elements read zero lanes of y.
 */
export function shuffleElems(b: Builder, x: Expr, y: Expr, esize: number, elems: number[]): Expr {
  const eb = esize / 8, sel: number[] = [];
  for (let k = 0; k < 16 / eb; k++) {
    const e = elems[k];
    for (let t = 0; t < eb; t++) sel.push(e === undefined ? 16 + t : e * eb + t);
  }
  return b.m.i8x16.shuffle(x, y, sel);
}

/** a value evaluated once into a v128 local */
export const vtmp = (b: Builder, v: Expr): G => tmp(b, V128, v);

// ---- integer helpers (missing Wasm lane ops filled in) ----

const signBit = (esize: number) => 1n << BigInt(esize - 1);

/** unsigned compare a > b (all-ones lanes where true) */
export function gtU(b: Builder, esize: number, a: Expr, c: Expr): Expr {
  if (esize < 64) return ns(b, esize).gt_u(a, c);
  const m = b.m;
  return m.i64x2.gt_s(m.v128.xor(a, vsplatc(b, 64, signBit(64))), m.v128.xor(c, vsplatc(b, 64, signBit(64))));
}
export function geU(b: Builder, esize: number, a: Expr, c: Expr): Expr {
  if (esize < 64) return ns(b, esize).ge_u(a, c);
  const m = b.m;
  return m.i64x2.ge_s(m.v128.xor(a, vsplatc(b, 64, signBit(64))), m.v128.xor(c, vsplatc(b, 64, signBit(64))));
}

/** max/min, signed or unsigned, for any element size (64-bit through compare + select) */
export function maxMin(b: Builder, esize: number, signed: boolean, max: boolean, a: G, c: G): Expr {
  if (esize < 64) {
    const o = ns(b, esize);
    return signed ? (max ? o.max_s(a(), c()) : o.min_s(a(), c())) : (max ? o.max_u(a(), c()) : o.min_u(a(), c()));
  }
  const gt = signed ? b.m.i64x2.gt_s(a(), c()) : gtU(b, 64, a(), c());
  return max ? b.m.v128.bitselect(a(), c(), gt) : b.m.v128.bitselect(c(), a(), gt);
}

/** shift every lane by a constant (0 ≤ sh; sh ≥ esize gives 0, or sign fill for arithmetic right) */
export function shlC(b: Builder, esize: number, v: Expr, sh: number): Expr {
  if (sh === 0) return v;
  if (sh >= esize) return vzero(b);
  return ns(b, esize).shl(v, i32c(b, sh));
}
export function shrC(b: Builder, esize: number, v: Expr, sh: number, signed: boolean): Expr {
  if (sh === 0) return v;
  if (sh >= esize) { if (!signed) return vzero(b); sh = esize - 1; }
  return signed ? ns(b, esize).shr_s(v, i32c(b, sh)) : ns(b, esize).shr_u(v, i32c(b, sh));
}

/** rounding right shift by a constant 1 ≤ sh ≤ esize: (x >> sh) + bit (sh-1) of x, no overflow */
export function rshrC(b: Builder, esize: number, v: G, sh: number, signed: boolean): Expr {
  const o = ns(b, esize);
  const round = b.m.v128.and(shrC(b, esize, v(), sh - 1, false), vsplatc(b, esize, 1));
  return o.add(shrC(b, esize, v(), sh, signed), round);
}

/** widen the low (hi=false) or high half of v: 8→16, 16→32, 32→64 */
export function widen(b: Builder, esize: number, v: Expr, hi: boolean, signed: boolean): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return hi ? (signed ? m.i16x8.extend_high_i8x16_s(v) : m.i16x8.extend_high_i8x16_u(v)) : (signed ? m.i16x8.extend_low_i8x16_s(v) : m.i16x8.extend_low_i8x16_u(v));
    case 16: return hi ? (signed ? m.i32x4.extend_high_i16x8_s(v) : m.i32x4.extend_high_i16x8_u(v)) : (signed ? m.i32x4.extend_low_i16x8_s(v) : m.i32x4.extend_low_i16x8_u(v));
    default: return hi ? (signed ? m.i64x2.extend_high_i32x4_s(v) : m.i64x2.extend_high_i32x4_u(v)) : (signed ? m.i64x2.extend_low_i32x4_s(v) : m.i64x2.extend_low_i32x4_u(v));
  }
}

/** widening multiply of the low or high halves (esize is the narrow size) */
export function extmul(b: Builder, esize: number, x: Expr, y: Expr, hi: boolean, signed: boolean): Expr {
  const m = b.m;
  switch (esize) {
    case 8: return hi ? (signed ? m.i16x8.extmul_high_i8x16_s(x, y) : m.i16x8.extmul_high_i8x16_u(x, y)) : (signed ? m.i16x8.extmul_low_i8x16_s(x, y) : m.i16x8.extmul_low_i8x16_u(x, y));
    case 16: return hi ? (signed ? m.i32x4.extmul_high_i16x8_s(x, y) : m.i32x4.extmul_high_i16x8_u(x, y)) : (signed ? m.i32x4.extmul_low_i16x8_s(x, y) : m.i32x4.extmul_low_i16x8_u(x, y));
    default: return hi ? (signed ? m.i64x2.extmul_high_i32x4_s(x, y) : m.i64x2.extmul_high_i32x4_u(x, y)) : (signed ? m.i64x2.extmul_low_i32x4_s(x, y) : m.i64x2.extmul_low_i32x4_u(x, y));
  }
}

/** lane-wise multiply, including 8-bit lanes (which Wasm lacks) */
export function mulV(b: Builder, esize: number, x: G, y: G): Expr {
  if (esize !== 8) return ns(b, esize).mul(x(), y());
  const lo = extmul(b, 8, x(), y(), false, false), hi = extmul(b, 8, x(), y(), true, false);
  return shuffleElems(b, lo, hi, 8, Array.from({ length: 16 }, (_, k) => 2 * k));
}

/** the low halves of each 2·esize element of `wide` packed into the low 64 bits (upper 64: zero) */
export function narrowTrunc(b: Builder, esize: number, wide: Expr): Expr {
  return shuffleElems(b, wide, vzero(b), esize, Array.from({ length: 64 / esize }, (_, k) => 2 * k));
}
/** the high halves of each 2·esize element of `wide` packed into the low 64 bits */
export function narrowHigh(b: Builder, esize: number, wide: Expr): Expr {
  return shuffleElems(b, wide, vzero(b), esize, Array.from({ length: 64 / esize }, (_, k) => 2 * k + 1));
}

/** writes a narrowed result (in the low 64 bits of `v`) to Vd: "2" forms fill the upper half, keeping the lower */
export function writeNarrow(b: Builder, d: number, v: Expr, upper: number): void {
  const m = b.m;
  writeSaturation(b, 128); // every lane of the wide source
  if (!upper) return writeV(b, d, v, 0);
  b.set(VR(d), m.i64x2.replace_lane(b.get(VR(d)), 1 as never, m.i64x2.extract_lane(v, 0 as never)));
}

/**
 * Saturating narrow of 2·esize lanes to esize, into the low 64 bits. kind: 's' signed→signed
 * (SQXTN), 'u' unsigned→unsigned (UQXTN), 'su' signed→unsigned (SQXTUN).
 */
export function satNarrow(b: Builder, esize: number, wide: G, kind: 's' | 'u' | 'su'): Expr {
  const m = b.m, w = 2 * esize, W = ns(b, w);
  const max = kind === 's' ? (1n << BigInt(esize - 1)) - 1n : (1n << BigInt(esize)) - 1n;
  noteSaturatedMask(b, () => kind === 'u' ? gtU(b, w, wide(), vsplatc(b, w, max))
    : m.v128.or(W.gt_s(wide(), vsplatc(b, w, max)), W.lt_s(wide(), vsplatc(b, w, kind === 's' ? -max - 1n : 0n))));
  if (w === 16 || w === 32) {
    const narrowS = (x: Expr) => (w === 16 ? m.i8x16.narrow_i16x8_s(x, vzero(b)) : m.i16x8.narrow_i32x4_s(x, vzero(b)));
    const narrowU = (x: Expr) => (w === 16 ? m.i8x16.narrow_i16x8_u(x, vzero(b)) : m.i16x8.narrow_i32x4_u(x, vzero(b)));
    if (kind === 's') return narrowS(wide());
    if (kind === 'su') return narrowU(wide());
    // unsigned input: clamp to the narrow max first (then it is non-negative as signed)
    return narrowU(ns(b, w).min_u(wide(), vsplatc(b, w, (1n << BigInt(esize)) - 1n)));
  }
  // 64 → 32 with compares
  let clamped: Expr;
  if (kind === 'u') {
    const max = (1n << 32n) - 1n;
    clamped = m.v128.bitselect(vsplatc(b, 64, max), wide(), gtU(b, 64, wide(), vsplatc(b, 64, max)));
  } else {
    const hi = kind === 's' ? (1n << 31n) - 1n : (1n << 32n) - 1n, lo = kind === 's' ? -(1n << 31n) : 0n;
    const t = vtmp(b, m.v128.bitselect(vsplatc(b, 64, hi), wide(), m.i64x2.gt_s(wide(), vsplatc(b, 64, hi))));
    clamped = m.v128.bitselect(vsplatc(b, 64, lo), t(), m.i64x2.lt_s(t(), vsplatc(b, 64, lo)));
  }
  return narrowTrunc(b, 32, clamped);
}

// ---- floating point ----

const fbits = (esize: number) => ({
  qbit: esize === 32 ? 1n << 22n : 1n << 51n,
  dnan: esize === 32 ? 0x7fc00000n : 0x7ff8000000000000n,
});

/** all-ones lanes where x is a NaN */
export const isNaNV = (b: Builder, esize: number, x: G) => fns(b, esize).ne(x(), x());

/**
 * Result of a binary float op whose NaN results Wasm leaves unspecified, fixed to what AArch64
 * produces (FPCR.DN = 0): the first signalling NaN operand (quietened), else the first quiet NaN
 * operand, else the default NaN (invalid operation).
 */
export function fixNaN2(b: Builder, esize: number, r: Expr, x: G, y: G): Expr {
  const m = b.m, { qbit, dnan } = fbits(esize), o = ns(b, esize);
  const rv = vtmp(b, r);
  const snan = (v: G) => m.v128.and(isNaNV(b, esize, v), o.eq(m.v128.and(v(), vsplatc(b, esize, qbit)), vzero(b)));
  const quiet = (v: G) => m.v128.or(v(), vsplatc(b, esize, qbit));
  let fix = m.v128.bitselect(quiet(y), vsplatc(b, esize, dnan), isNaNV(b, esize, y));
  fix = m.v128.bitselect(quiet(x), fix, isNaNV(b, esize, x));
  fix = m.v128.bitselect(quiet(y), fix, m.v128.andnot(snan(y), snan(x)));
  const nan = vtmp(b, isNaNV(b, esize, rv));
  return m.if(m.v128.any_true(nan()), m.v128.bitselect(fix, rv(), nan()), rv());
}

/** unary op result fixed the same way: a NaN operand quietened, else the default NaN */
export function fixNaN1(b: Builder, esize: number, r: Expr, x: G): Expr {
  const m = b.m, { qbit, dnan } = fbits(esize);
  const rv = vtmp(b, r);
  const fix = m.v128.bitselect(m.v128.or(x(), vsplatc(b, esize, qbit)), vsplatc(b, esize, dnan), isNaNV(b, esize, x));
  const nan = vtmp(b, isNaNV(b, esize, rv));
  return m.if(m.v128.any_true(nan()), m.v128.bitselect(fix, rv(), nan()), rv());
}
