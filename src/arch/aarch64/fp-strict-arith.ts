// Strict (FPCR/FPSR-honouring) FADD, FSUB, FMUL, FDIV, FSQRT: fps_{add,sub,mul,div,sqrt}_{s,d}.
//
// Double precision: r = the Wasm op (round to nearest), and the sign of exact − r from
//  - add/sub: TwoSum (exact for finite r; subnormal sums are always exact);
//  - mul: the residual a·b − r, div: a − r·b (its sign times b's), sqrt: x − r²; by Dekker's
//    TwoProduct when the factors lie in [2^-459, 2^461) (nothing overflows or underflows),
//    else by the exact fused multiply-add helper, with the operands scaled by powers of two
//    where the residual could underflow (then its sign would be lost);
//  - when r overflowed to ±∞, the same computed on operands scaled by 2^-128 (or halved) tells
//    whether |exact| ≥ 2^1024, i.e. whether rounding towards zero overflows too.
// fps_adj_d then rounds in FPCR.RMode and raises the flags (see fp-strict-core.ts).
// Single precision: the exact result, rounded to odd in double, goes through fps_round_s
// (products of singles are exact in double; for quotients and square roots the double result
// is never an f32 number or on the wrong side of one unless exact, as 53 ≥ 2·24 + 2).
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { bitOps, FD, Fn, FS, fromBits, L, type FPKind, type Var } from './fp-ops.ts';
import {
  adjF, adjFast, bitSet, callRoundS, depFp, DN, DZC, type Factory, flushIn, IOC, loadFpcr, modeOf, nanOut2, nonFinite, param,
  raise, raiseIf, RM_DOWN, sgn, toOdd,
} from './fp-strict-core.ts';

const I32 = ir.i32, F32 = ir.f32, F64 = ir.f64;
type M = ir.Module;
const UP = 2 ** 128, DOWN = 2 ** -128;
/** below this, a residual of r may underflow: the operands are scaled up by 2^128 */
const TINY = 2 ** -900;

const fma = (m: M, a: Expr, b: Expr, c: Expr): Expr => m.call(depFp(m, 'fp_fmadd_d'), [a, b, c], F64);

/** |p| > T, or |p| = T and the exact value is not below it (dir: sign of exact − p) */
function beyond(m: M, p: Var, dir: () => Expr, T: number): Expr {
  const f = m.f64, i32 = m.i32;
  return i32.or(f.gt(f.abs(p.get()), f.const(T)), i32.and(f.eq(f.abs(p.get()), f.const(T)),
    i32.or(i32.eqz(dir()), i32.eq(i32.gt_s(dir(), i32.const(0)), f.gt(p.get(), f.const(0))))));
}

const SPLIT = 134217729; // 2^27 + 1

/** |x| in [2^-459, 2^461): Dekker's product of two such numbers is exact (nothing overflows or underflows) */
const inWindow = (m: M, x: Var): Expr =>
  m.i64.lt_u(m.i64.sub(m.i64.and(m.i64.shr_u(m.i64.reinterpret(x.get()), L(m, 52)), L(m, 0x7ff)), L(m, 564)), L(m, 920));

/** Dekker's TwoProduct: e = a·b - p exactly, for p = RN(a·b), a and b in the window */
function twoProdErr(m: M, fn: Fn, a: Var, b: Var, p: Var, e: Var): Expr {
  const f = m.f64, t = fn.local(F64), ah = fn.local(F64), al = fn.local(F64), bh = fn.local(F64), bl = fn.local(F64);
  const split = (x: Var, hi: Var, lo: Var) => [
    t.set(f.mul(x.get(), f.const(SPLIT))), hi.set(f.sub(t.get(), f.sub(t.get(), x.get()))), lo.set(f.sub(x.get(), hi.get())),
  ];
  return m.block(null, [
    ...split(a, ah, al), ...split(b, bh, bl),
    e.set(f.add(f.add(f.add(f.sub(f.mul(ah.get(), bh.get()), p.get()), f.mul(ah.get(), bl.get())), f.mul(al.get(), bh.get())), f.mul(al.get(), bl.get()))),
  ]);
}

/**
 * e = a - q·b rounded, with the sign of the exact residual: q·b = ph + pl (TwoProduct, q and b
 * in the window), a - ph is exact (q·b is within a few ulps of a: Sterbenz), and rounding the
 * last difference keeps its sign (nothing is below 2^-1074 here)
 */
function residual(m: M, fn: Fn, a: Var, q: Var, b: Var, e: Var): Expr {
  const f = m.f64, ph = fn.local(F64);
  return m.block(null, [ph.set(f.mul(q.get(), b.get())), twoProdErr(m, fn, q, b, ph, e), e.set(f.sub(f.sub(a.get(), ph.get()), e.get()))]);
}

/** the error direction of a round-to-nearest zero: towards the sign of r */
const zeroDir = (m: M, r: Var) => m.select(m.i64.lt_s(m.i64.reinterpret(r.get()), L(m, 0)), m.i32.const(-1), m.i32.const(1));

/** TwoSum: e = p + q - s exactly, for s = RN(p + q) (z is scratch) */
const twoSum = (m: M, p: () => Expr, q: () => Expr, s: Var, z: Var, e: Var): Expr[] => {
  const f = m.f64;
  return [z.set(f.sub(s.get(), p())), e.set(f.add(f.sub(p(), f.sub(s.get(), z.get())), f.sub(q(), z.get())))];
};

function addD(sub: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [F64, F64]), f = m.f64, i32 = m.i32, a = param(fn, 0), b = param(fn, 1);
    const ctl = fn.local(I32), bb = fn.local(F64), r = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
    const x = fn.local(F64), y = fn.local(F64), h = fn.local(F64);
    fn.add(name, F64, [
      ctl.set(loadFpcr(m)),
      flushIn(m, FD, a, ctl), flushIn(m, FD, b, ctl),
      bb.set(sub ? f.neg(b.get()) : b.get()),
      r.set(f.add(a.get(), bb.get())),
      m.if(f.ne(r.get(), r.get()), nanOut2(m, FD, a, b, ctl)),
      m.if(i32.or(nonFinite(m, FD, a.get), nonFinite(m, FD, bb.get)), m.return(r.get())),
      // exact zero: -0 when rounding down, unless both are +0 (RM(a + b) = -RN(-a - b) here)
      m.if(f.eq(r.get(), f.const(0)), m.return(m.select(i32.eq(modeOf(m, ctl.get()), i32.const(RM_DOWN)),
        f.neg(f.add(f.neg(a.get()), f.neg(bb.get()))), r.get()))),
      m.if(f.eq(f.abs(r.get()), f.const(Infinity)), m.block(null, [
        x.set(f.mul(a.get(), f.const(0.5))), y.set(f.mul(bb.get(), f.const(0.5))), // exact: both are ≥ 2^970
        h.set(f.add(x.get(), y.get())), ...twoSum(m, x.get, y.get, h, z, e),
        m.return(adjF(m, FD, r.get(), i32.const(0), beyond(m, h, () => sgn(m, FD, e.get), 2 ** 1023), ctl.get())),
      ])),
      ...twoSum(m, a.get, bb.get, r, z, e),
      adjFast(m, FD, r, () => sgn(m, FD, e.get), ctl),
    ]);
  };
}

function mulD(m: M, name: string): void {
  const fn = new Fn(m, [F64, F64]), f = m.f64, i32 = m.i32, a = param(fn, 0), b = param(fn, 1);
  const ctl = fn.local(I32), r = fn.local(F64), x = fn.local(F64), y = fn.local(F64), p = fn.local(F64), e = fn.local(F64);
  fn.add(name, F64, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, a, ctl), flushIn(m, FD, b, ctl),
    r.set(f.mul(a.get(), b.get())),
    m.if(f.ne(r.get(), r.get()), nanOut2(m, FD, a, b, ctl)),
    m.if(i32.or(i32.or(nonFinite(m, FD, a.get), nonFinite(m, FD, b.get)), i32.or(f.eq(a.get(), f.const(0)), f.eq(b.get(), f.const(0)))),
      m.return(r.get())),
    m.if(f.eq(r.get(), f.const(0)), m.return(adjF(m, FD, r.get(), zeroDir(m, r), i32.const(0), ctl.get()))),
    // x: the operand of the larger magnitude
    m.if(f.ge(f.abs(a.get()), f.abs(b.get())), m.block(null, [x.set(a.get()), y.set(b.get())]), m.block(null, [x.set(b.get()), y.set(a.get())])),
    m.if(f.eq(f.abs(r.get()), f.const(Infinity)), m.block(null, [
      x.set(f.mul(x.get(), f.const(DOWN))), // exact: |x| ≥ 2^511
      p.set(f.mul(x.get(), y.get())),
      e.set(fma(m, x.get(), y.get(), f.neg(p.get()))),
      m.return(adjF(m, FD, r.get(), i32.const(0), beyond(m, p, () => sgn(m, FD, e.get), 2 ** 896), ctl.get())),
    ])),
    m.if(i32.and(inWindow(m, a), inWindow(m, b)),
      twoProdErr(m, fn, a, b, r, e),
      m.if(f.lt(f.abs(r.get()), f.const(TINY)),
        e.set(fma(m, f.mul(y.get(), f.const(UP)), x.get(), f.neg(f.mul(r.get(), f.const(UP))))), // |y| < 2^-450
        e.set(fma(m, a.get(), b.get(), f.neg(r.get()))))),
    adjFast(m, FD, r, () => sgn(m, FD, e.get), ctl),
  ]);
}

function divD(m: M, name: string): void {
  const fn = new Fn(m, [F64, F64]), f = m.f64, i32 = m.i32, a = param(fn, 0), b = param(fn, 1);
  const ctl = fn.local(I32), r = fn.local(F64), x = fn.local(F64), p = fn.local(F64), e = fn.local(F64);
  const bSign = () => m.select(f.lt(b.get(), f.const(0)), i32.const(-1), i32.const(1));
  fn.add(name, F64, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, a, ctl), flushIn(m, FD, b, ctl),
    r.set(f.div(a.get(), b.get())),
    m.if(f.ne(r.get(), r.get()), nanOut2(m, FD, a, b, ctl)),
    m.if(i32.or(i32.or(nonFinite(m, FD, a.get), nonFinite(m, FD, b.get)), f.eq(a.get(), f.const(0))), m.return(r.get())),
    m.if(f.eq(b.get(), f.const(0)), m.block(null, [raise(m, i32.const(DZC)), m.return(r.get())])),
    m.if(f.eq(r.get(), f.const(0)), m.return(adjF(m, FD, r.get(), zeroDir(m, r), i32.const(0), ctl.get()))),
    m.if(f.eq(f.abs(r.get()), f.const(Infinity)), m.block(null, [
      x.set(f.mul(a.get(), f.const(DOWN))), // exact: |a| ≥ 2^-51 when a / b overflows
      p.set(f.div(x.get(), b.get())),
      e.set(fma(m, f.neg(p.get()), b.get(), x.get())),
      m.return(adjF(m, FD, r.get(), i32.const(0), beyond(m, p, () => i32.mul(sgn(m, FD, e.get), bSign()), 2 ** 896), ctl.get())),
    ])),
    m.if(i32.and(inWindow(m, r), inWindow(m, b)),
      residual(m, fn, a, r, b, e),
      m.if(f.lt(f.abs(a.get()), f.const(TINY)),
        e.set(fma(m, f.neg(f.mul(r.get(), f.const(UP))), b.get(), f.mul(a.get(), f.const(UP)))),
        e.set(fma(m, f.neg(r.get()), b.get(), a.get())))),
    adjFast(m, FD, r, () => i32.mul(sgn(m, FD, e.get), bSign()), ctl),
  ]);
}

/** the NaN / negative / zero / ∞ cases of FSQRT; returns when x is not a positive finite number */
function sqrtSpecials(m: M, k: FPKind, x: Var, ctl: Var): Expr {
  const o = bitOps(m, k), X = () => o.i.reinterpret(x.get());
  const dnan = fromBits(m, k, o.c(k.dnan));
  return m.block(null, [
    m.if(o.isNaN(X()), m.block(null, [
      raiseIf(m, o.isSNaN(X), IOC),
      m.return(m.select(bitSet(m, ctl.get(), DN), dnan, fromBits(m, k, o.quiet(X())))),
    ])),
    // negative (not -0): invalid
    m.if(o.i.gt_u(X(), o.c(k.sign)), m.block(null, [raise(m, m.i32.const(IOC)), m.return(fromBits(m, k, o.c(k.dnan)))])),
    m.if(m.i32.or(o.isZero(X()), o.isInf(X())), m.return(x.get())),
  ]);
}

function sqrtD(m: M, name: string): void {
  const fn = new Fn(m, [F64]), f = m.f64, x = param(fn, 0);
  const ctl = fn.local(I32), r = fn.local(F64), e = fn.local(F64);
  fn.add(name, F64, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, x, ctl),
    sqrtSpecials(m, FD, x, ctl),
    r.set(f.sqrt(x.get())),
    m.if(inWindow(m, r),
      residual(m, fn, x, r, r, e),
      m.if(f.lt(x.get(), f.const(TINY)),
        e.set(fma(m, f.neg(f.mul(r.get(), f.const(UP))), f.mul(r.get(), f.const(UP)), f.mul(x.get(), f.const(UP * UP)))),
        e.set(fma(m, f.neg(r.get()), r.get(), x.get())))),
    adjFast(m, FD, r, () => sgn(m, FD, e.get), ctl),
  ]);
}

// ---- single precision ----

function addS(sub: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [F32, F32]), f = m.f64, g = m.f32, i32 = m.i32, a = param(fn, 0), b = param(fn, 1);
    const ctl = fn.local(I32), bb = fn.local(F32), r = fn.local(F32), A = fn.local(F64), B = fn.local(F64);
    const s = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
    fn.add(name, F32, [
      ctl.set(loadFpcr(m)),
      flushIn(m, FS, a, ctl), flushIn(m, FS, b, ctl),
      bb.set(sub ? g.neg(b.get()) : b.get()),
      r.set(g.add(a.get(), bb.get())),
      m.if(g.ne(r.get(), r.get()), nanOut2(m, FS, a, b, ctl)),
      m.if(i32.or(nonFinite(m, FS, a.get), nonFinite(m, FS, bb.get)), m.return(r.get())),
      m.if(g.eq(r.get(), g.const(0)), m.return(m.select(i32.eq(modeOf(m, ctl.get()), i32.const(RM_DOWN)),
        g.neg(g.add(g.neg(a.get()), g.neg(bb.get()))), r.get()))),
      A.set(f.promote(a.get())), B.set(f.promote(bb.get())),
      s.set(f.add(A.get(), B.get())), ...twoSum(m, A.get, B.get, s, z, e),
      callRoundS(m, f.reinterpret(toOdd(m, s.get, e.get)), ctl.get()),
    ]);
  };
}

/** FMUL / FDIV (single): the double result (exact, resp. innocuously rounded) rounded to single */
function mulDivS(div: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [F32, F32]), f = m.f64, g = m.f32, i32 = m.i32, a = param(fn, 0), b = param(fn, 1);
    const ctl = fn.local(I32), r = fn.local(F32);
    fn.add(name, F32, [
      ctl.set(loadFpcr(m)),
      flushIn(m, FS, a, ctl), flushIn(m, FS, b, ctl),
      r.set(div ? g.div(a.get(), b.get()) : g.mul(a.get(), b.get())),
      m.if(g.ne(r.get(), r.get()), nanOut2(m, FS, a, b, ctl)),
      m.if(i32.or(i32.or(nonFinite(m, FS, a.get), nonFinite(m, FS, b.get)), i32.or(g.eq(a.get(), g.const(0)), div ? i32.const(0) : g.eq(b.get(), g.const(0)))),
        m.return(r.get())),
      ...(div ? [m.if(g.eq(b.get(), g.const(0)), m.block(null, [raise(m, i32.const(DZC)), m.return(r.get())]))] : []),
      callRoundS(m, (div ? f.div : f.mul)(f.promote(a.get()), f.promote(b.get())), ctl.get()),
    ]);
  };
}

function sqrtS(m: M, name: string): void {
  const fn = new Fn(m, [F32]), x = param(fn, 0), ctl = fn.local(I32);
  fn.add(name, F32, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FS, x, ctl),
    sqrtSpecials(m, FS, x, ctl),
    callRoundS(m, m.f64.sqrt(m.f64.promote(x.get())), ctl.get()),
  ]);
}

export const strictArith: Record<string, Factory> = {
  fps_add_d: addD(false), fps_sub_d: addD(true), fps_mul_d: mulD, fps_div_d: divD, fps_sqrt_d: sqrtD,
  fps_add_s: addS(false), fps_sub_s: addS(true), fps_mul_s: mulDivS(false), fps_div_s: mulDivS(true), fps_sqrt_s: sqrtS,
};
