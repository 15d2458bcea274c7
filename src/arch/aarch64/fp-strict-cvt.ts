// Strict (FPCR/FPSR-honouring) conversions, rounding to integral, FMAX/FMIN and the compare
// operand check:
//  - fps_cvt_{ds,sd,dh,sh,hs,hd}: FCVT between precisions (narrowing rounds in FPCR.RMode; H in
//    FPCR.AHP's alternative format when it is set);
//  - fps_cvtxn: FCVTXN, double to single rounded to odd;
//  - fps_cvt_sb: BFCVT/BFCVTN, single to BFloat16 in FPCR.RMode (FZ flushes the operand and a tiny result);
//  - fps_i2f_{s,d}(i64, unsigned), fps_i2h: SCVTF/UCVTF, rounded in FPCR.RMode, IXC;
//  - fps_f2i_{s,d}(x, rmode, type): FCVT{N,P,M,Z,A}{S,U} and the fixed-point FCVTZ: IOC for
//    NaN or out of range (the result saturates), else IXC when not integral (FPToFixed);
//  - fps_fjcvt(x): the flags of FJCVTZS;
//  - fps_rint_{s,d}(x, rmode): FRINT{N,P,M,Z,A} (IOC for sNaN only), FRINTX/FRINTI (FPCR.RMode;
//    X raises IXC when the result differs);
//  - fps_minmax_{s,d}(a, b, op): FMAX, FMIN, FMAXNM, FMINNM (IOC for sNaN, DN);
//  - fps_cmpin_{s,d}(x, E): an FCMP/FCCMP operand, flushed by FZ; IOC for sNaN (any NaN with E).
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { bitOps, FD, Fn, fo, FS, fromBits, L, toBits, type FPKind, type Var } from './fp-ops.ts';
import {
  adjFast, AHP, bitSet, FZ, callAdj, callRoundH, callRoundS, depFp, DN, type Factory, flushIn, IOC, IXC, loadFpcr, modeOf, nonFinite,
  param, raise, raiseIf, sgn,
} from './fp-strict-core.ts';
import { STATE } from '../../runtime/layout.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;
type M = ir.Module;

const wide = (m: M, k: FPKind, x: Expr): Expr => (k.bits === 64 ? x : m.f64.promote(x));
const dnanOf = (m: M, k: FPKind): Expr => fromBits(m, k, bitOps(m, k).c(k.dnan));

/** returns the NaN result of a one-operand op on a NaN x: IOC for sNaN; DN, else `onNaN` */
function nanIn(m: M, k: FPKind, x: Var, ctl: Var, onNaN: Expr, dnan: Expr = dnanOf(m, k)): Expr {
  const o = bitOps(m, k), X = () => toBits(m, k, x.get());
  return m.if(o.isNaN(X()), m.block(null, [
    raiseIf(m, o.isSNaN(X), IOC),
    m.return(m.select(bitSet(m, ctl.get(), DN), dnan, onNaN)),
  ]));
}

/** FCVT Sd, Dn / Dd, Sn */
function cvtSD(from: FPKind, to: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [from.t]), x = param(fn, 0), ctl = fn.local(I32);
    const narrow = from.bits === 64;
    fn.add(name, to.t, [
      ctl.set(loadFpcr(m)),
      flushIn(m, from, x, ctl),
      nanIn(m, from, x, ctl, m.call(depFp(m, narrow ? 'fp_cvtnan_ds' : 'fp_cvtnan_sd'), [x.get()], to.t), dnanOf(m, to)),
      narrow
        ? m.if(nonFinite(m, FD, x.get), m.f32.demote(x.get()), callRoundS(m, x.get(), ctl.get()))
        : m.f64.promote(x.get()),
    ]);
  };
}

/**
 * FCVTXN: double → single rounded to odd. The flags are those of rounding the same exact value
 * toward zero (inexact, tiny, overflow to the largest finite value alike), so the RZ result with
 * its last bit set when inexact; a tiny result FZ flushed to zero stays zero.
 */
function cvtXN(m: M, name: string): void {
  const fn = new Fn(m, [F64]), x = param(fn, 0), ctl = fn.local(I32), r = fn.local(F32), i32 = m.i32;
  const bits = () => i32.reinterpret(r.get());
  fn.add(name, F32, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, x, ctl),
    nanIn(m, FD, x, ctl, m.call(depFp(m, 'fp_cvtnan_ds'), [x.get()], F32), dnanOf(m, FS)),
    m.if(nonFinite(m, FD, x.get), m.return(m.f32.demote(x.get()))),
    r.set(callRoundS(m, x.get(), i32.or(ctl.get(), i32.const(3 << 22)))), // RMode = RZ
    m.if(i32.and(i32.and(m.f64.ne(m.f64.promote(r.get()), x.get()), i32.eqz(i32.and(bits(), i32.const(1)))),
      i32.eqz(i32.and(bitSet(m, ctl.get(), FZ), m.f64.lt(m.f64.abs(x.get()), m.f64.const(2 ** -126))))),
    r.set(m.f32.reinterpret(i32.add(bits(), i32.const(1))))),
    r.get(),
  ]);
}

/**
 * FPCR.AHP's alternative half precision (FCVT to and from H only): exponent 31 holds normal
 * numbers up to 131008; NaN converts to a zero and ∞ or overflow to the largest value, with IOC.
 * Returns the conversion of the double `v` (finite, not NaN) with the flags of IEEE rounding:
 * below 2^15 both formats round alike; above, v/2 rounds as AHP rounds v, one exponent lower.
 */
function roundAhp(m: M, v: Var, ctl: Var, fpsr: Var, r: Var): Expr {
  const i32 = m.i32, sign = () => i32.wrap(m.i64.and(m.i64.shr_u(m.i64.reinterpret(v.get()), L(m, 48)), L(m, 0x8000)));
  return m.block(null, [
    m.if(m.f64.lt(m.f64.abs(v.get()), m.f64.const(2 ** 15)), m.return(callRoundH(m, v.get(), ctl.get()))),
    fpsr.set(i32.load(0, 4, i32.const(STATE.fpsr))),
    // 2^17 and above overflow in every rounding mode; below, only by rounding up to it
    r.set(m.if(m.f64.ge(m.f64.abs(v.get()), m.f64.const(2 ** 17)), i32.const(0x7c00), callRoundH(m, m.f64.mul(v.get(), m.f64.const(0.5)), ctl.get()))),
    m.if(i32.eq(i32.and(r.get(), i32.const(0x7fff)), i32.const(0x7c00)), m.block(null, [
      i32.store(0, 4, i32.const(STATE.fpsr), i32.or(fpsr.get(), i32.const(IOC))), // not OFC/IXC: Arm's overflow is invalid here
      m.return(i32.or(sign(), i32.const(0x7fff))),
    ])),
    m.return(i32.add(r.get(), i32.const(0x400))),
  ]);
}

/** FCVT Hd, Sn / Dn (result: the 16 bits in an i32) */
function cvtToH(from: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [from.t]), x = param(fn, 0), ctl = fn.local(I32), v = fn.local(F64), fpsr = fn.local(I32), r = fn.local(I32);
    const conv = () => m.call(depFp(m, `fp_${from.sfx}2h`), [x.get()], I32);
    const o = bitOps(m, from), signBit = () => m.i32.and(conv(), m.i32.const(0x8000));
    fn.add(name, I32, [
      ctl.set(loadFpcr(m)),
      flushIn(m, from, x, ctl),
      m.if(bitSet(m, ctl.get(), AHP), m.block(null, [
        m.if(nonFinite(m, from, x.get), m.block(null, [ // NaN: a zero, ∞: the largest value; both IOC
          raise(m, m.i32.const(IOC)),
          m.return(m.i32.or(signBit(), m.select(o.isNaN(toBits(m, from, x.get())), m.i32.const(0), m.i32.const(0x7fff)))),
        ])),
        v.set(wide(m, from, x.get())),
        roundAhp(m, v, ctl, fpsr, r),
      ])),
      nanIn(m, from, x, ctl, conv(), m.i32.const(0x7e00)),
      m.if(nonFinite(m, from, x.get), conv(), callRoundH(m, wide(m, from, x.get()), ctl.get())),
    ]);
  };
}

/**
 * BFCVT Hd, Sn (FPConvertBF; the result: the 16 bits in an i32). A BFloat16 is the top half of a
 * single, so round to nearest even is a carry into the kept bits (into the exponent too: ∞), and
 * the dropped half, as a single, is the error that fps_adj rounds by in FPCR.RMode (a NaN keeps its
 * top payload bits, quietened)
 */
function cvtToBF(m: M, name: string): void {
  const fn = new Fn(m, [F32]), x = param(fn, 0), ctl = fn.local(I32), X = fn.local(I32), r = fn.local(I32), i32 = m.i32;
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FS, x, ctl),
    X.set(i32.reinterpret(x.get())),
    nanIn(m, FS, x, ctl, i32.shr_u(i32.or(X.get(), i32.const(0x400000)), i32.const(16)), i32.const(0x7fc0)),
    m.if(nonFinite(m, FS, x.get), m.return(i32.shr_u(X.get(), i32.const(16)))),
    r.set(i32.shr_u(i32.add(X.get(), i32.add(i32.const(0x7fff), i32.and(i32.shr_u(X.get(), i32.const(16)), i32.const(1)))), i32.const(16))),
    // x - r is exact (a single); against ∞ it is -∞, which fps_adj ignores for ∞
    callAdj(m, 'bf', r.get(), sgn(m, FS, () => m.f32.sub(x.get(), m.f32.reinterpret(i32.shl(r.get(), i32.const(16))))), i32.const(0), ctl.get()),
  ]);
}

/** FCVT Sd / Dd, Hn: exact; IOC for a signalling NaN, DN (half operands are never flushed); AHP: exponent 31 is normal */
function cvtFromH(to: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I32]), h = () => fn.p(0), i32 = m.i32;
    const isNaN = () => i32.gt_u(i32.and(h(), i32.const(0x7fff)), i32.const(0x7c00));
    const top = i32.eq(i32.and(h(), i32.const(0x7c00)), i32.const(0x7c00));
    const F = fo(m, to), half = m.call(depFp(m, `fp_h2${to.sfx}`), [i32.sub(h(), i32.const(0x400))], to.t);
    fn.add(name, to.t, [
      m.if(i32.and(top, bitSet(m, loadFpcr(m), AHP)), m.return(F.mul(half, to.bits === 64 ? m.f64.const(2) : m.f32.const(2)))),
      raiseIf(m, i32.and(isNaN(), i32.eqz(i32.and(h(), i32.const(0x200)))), IOC),
      m.if(i32.and(isNaN(), bitSet(m, loadFpcr(m), DN)), m.return(dnanOf(m, to))),
      m.call(depFp(m, `fp_h2${to.sfx}`), [h()], to.t),
    ]);
  };
}

/** SCVTF/UCVTF from an i64 (W operands come extended): round to nearest, then adjust by the exact error */
function intToF(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64, I32]), x = () => fn.p(0), U = () => fn.p(1), i = m.i64, F = fo(m, k);
    const r = fn.local(k.t), v = fn.local(F64), d = fn.local(I64), ctl = fn.local(I32);
    fn.add(name, k.t, [
      r.set(m.if(U(), F.convert_u.i64(x()), F.convert_s.i64(x()))),
      v.set(wide(m, k, r.get())),
      // the integer r stands for, modulo 2^64 (|x - r| < 2^40: the difference is right as signed)
      d.set(i.sub(x(), m.if(U(),
        m.if(m.f64.ge(v.get(), m.f64.const(2 ** 64)), L(m, 0), i.trunc_u_sat.f64(v.get())),
        m.if(m.f64.ge(v.get(), m.f64.const(0)), i.trunc_u_sat.f64(v.get()), i.trunc_s_sat.f64(v.get()))))),
      ctl.set(loadFpcr(m)),
      adjFast(m, k, r, () => m.i32.sub(i.gt_s(d.get(), L(m, 0)), i.lt_s(d.get(), L(m, 0))), ctl),
    ]);
  };
}

function intToH(m: M, name: string): void {
  const fn = new Fn(m, [I64, I32]), x = () => fn.p(0);
  // a double holds every value that does not overflow half precision exactly
  fn.add(name, I32, [callRoundH(m, m.if(fn.p(1), m.f64.convert_u.i64(x()), m.f64.convert_s.i64(x())), loadFpcr(m))]);
}

/** FPRoundInt of a double by rounding mode 0..3 (N, P, M, Z) or 4 (A, ties away) */
export function roundBy(m: M, mode: Var, v: Var, t: Var): Expr {
  const f = m.f64, i32 = m.i32, is = (n: number) => i32.eq(mode.get(), i32.const(n));
  return m.block(null, [
    t.set(f.trunc(v.get())),
    m.if(is(0), t.set(f.nearest(v.get())),
      m.if(is(1), t.set(f.ceil(v.get())),
        m.if(is(2), t.set(f.floor(v.get())),
          m.if(is(4), m.if(f.ge(f.abs(f.sub(v.get(), t.get())), f.const(0.5)), t.set(f.add(t.get(), f.copysign(f.const(1), v.get())))))))),
  ]);
}

/**
 * fps_f2i(x, rmode, type) → i64: type bit 0 = unsigned, bit 1 = 64-bit result, bits 8.. = fbits.
 * The result saturates as the plain conversion does; W results are returned zero-extended.
 */
function floatToInt(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [k.t, I32, I32]), x = param(fn, 0), ty = () => fn.p(2), f = m.f64, i32 = m.i32, i = m.i64;
    const ctl = fn.local(I32), v = fn.local(F64), r = fn.local(F64), mode = fn.local(I32);
    const U = () => i32.and(ty(), i32.const(1)), X64 = () => i32.and(ty(), i32.const(2));
    const sel = (c: Expr, a: number, b: number) => m.select(c, f.const(a), f.const(b));
    fn.add(name, I64, [
      ctl.set(loadFpcr(m)),
      flushIn(m, k, x, ctl),
      m.if(fo(m, k).ne(x.get(), x.get()), m.block(null, [raise(m, i32.const(IOC)), m.return(L(m, 0))])),
      // scaling by 2^fbits is exact (or overflows to ∞, out of range either way)
      v.set(f.mul(wide(m, k, x.get()), f.reinterpret(i.shl(i.extend_u(i32.add(i32.shr_u(ty(), i32.const(8)), i32.const(1023))), L(m, 52))))),
      mode.set(fn.p(1)),
      roundBy(m, mode, v, r),
      m.if(i32.or(f.lt(r.get(), m.select(U(), f.const(0), sel(X64(), -(2 ** 63), -(2 ** 31)))),
        f.ge(r.get(), m.select(U(), sel(X64(), 2 ** 64, 2 ** 32), sel(X64(), 2 ** 63, 2 ** 31)))),
      raise(m, i32.const(IOC)),
      raiseIf(m, f.ne(r.get(), v.get()), IXC)),
      m.if(X64(),
        m.if(U(), i.trunc_u_sat.f64(r.get()), i.trunc_s_sat.f64(r.get())),
        i.extend_u(m.if(U(), i32.trunc_u_sat.f64(r.get()), i32.trunc_s_sat.f64(r.get())))),
    ]);
  };
}

/** the flags of FJCVTZS Wd, Dn (its result does not depend on FPCR: a flushed input gives 0; Z: see table/fp.ts) */
function fjcvtFlags(m: M, name: string): void {
  const fn = new Fn(m, [F64]), x = param(fn, 0), f = m.f64, ctl = fn.local(I32), t = fn.local(F64);
  fn.add(name, ir.none, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, x, ctl),
    t.set(f.trunc(x.get())),
    // NaN and ∞ fail the range test too
    m.if(m.i32.eqz(m.i32.and(f.ge(t.get(), f.const(-(2 ** 31))), f.lt(t.get(), f.const(2 ** 31)))),
      raise(m, m.i32.const(IOC)),
      raiseIf(m, f.ne(t.get(), x.get()), IXC)),
  ]);
}

/** FRINT{N,P,M,Z,A} (rmode 0..4), FRINTX (6), FRINTI (7) */
function rint(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [k.t, I32]), x = param(fn, 0), rm = () => fn.p(1), i32 = m.i32, o = bitOps(m, k);
    const ctl = fn.local(I32), v = fn.local(F64), r = fn.local(F64), mode = fn.local(I32);
    const narrow = (e: Expr) => (k.bits === 64 ? e : m.f32.demote(e));
    fn.add(name, k.t, [
      ctl.set(loadFpcr(m)),
      flushIn(m, k, x, ctl),
      nanIn(m, k, x, ctl, fromBits(m, k, o.quiet(toBits(m, k, x.get())))),
      mode.set(m.select(i32.ge_u(rm(), i32.const(6)), modeOf(m, ctl.get()), rm())),
      v.set(wide(m, k, x.get())),
      roundBy(m, mode, v, r), // an integral single is exact as a double, and back
      raiseIf(m, i32.and(i32.eq(rm(), i32.const(6)), m.f64.ne(r.get(), v.get())), IXC),
      narrow(r.get()),
    ]);
  };
}

/** FMAX (op 0), FMIN (1), FMAXNM (2), FMINNM (3) */
function minMax(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [k.t, k.t, I32]), a = param(fn, 0), b = param(fn, 1), op = () => fn.p(2), F = fo(m, k), o = bitOps(m, k), i32 = m.i32;
    const ctl = fn.local(I32), r = fn.local(k.t);
    const call = (h: string) => m.call(depFp(m, `${h}_${k.sfx}`), [a.get(), b.get()], k.t);
    fn.add(name, k.t, [
      ctl.set(loadFpcr(m)),
      flushIn(m, k, a, ctl), flushIn(m, k, b, ctl),
      r.set(m.if(i32.and(op(), i32.const(1)), F.min(a.get(), b.get()), F.max(a.get(), b.get()))),
      m.if(F.ne(r.get(), r.get()), m.block(null, [
        raiseIf(m, i32.or(o.isSNaN(() => toBits(m, k, a.get())), o.isSNaN(() => toBits(m, k, b.get()))), IOC),
        r.set(m.if(i32.ge_u(op(), i32.const(2)), call('fp_nanm'), call('fp_nan2'))),
        m.if(i32.and(F.ne(r.get(), r.get()), bitSet(m, ctl.get(), DN)), r.set(dnanOf(m, k))),
      ])),
      r.get(),
    ]);
  };
}

/** an FCMP/FCCMP operand: flushed by FZ; IOC for a signalling NaN, or any NaN when E (FCMPE) */
function cmpIn(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [k.t, I32]), x = param(fn, 0), ctl = fn.local(I32), o = bitOps(m, k);
    const X = () => toBits(m, k, x.get());
    fn.add(name, k.t, [
      ctl.set(loadFpcr(m)),
      flushIn(m, k, x, ctl),
      raiseIf(m, m.i32.and(o.isNaN(X()), m.i32.or(fn.p(1), o.isSNaN(X))), IOC),
      x.get(),
    ]);
  };
}

export const strictCvt: Record<string, Factory> = {
  fps_cvt_ds: cvtSD(FD, FS), fps_cvt_sd: cvtSD(FS, FD), fps_cvtxn: cvtXN,
  fps_cvt_dh: cvtToH(FD), fps_cvt_sh: cvtToH(FS), fps_cvt_hs: cvtFromH(FS), fps_cvt_hd: cvtFromH(FD), fps_cvt_sb: cvtToBF,
  fps_i2f_s: intToF(FS), fps_i2f_d: intToF(FD), fps_i2h: intToH,
  fps_f2i_s: floatToInt(FS), fps_f2i_d: floatToInt(FD),
  fps_fjcvt: fjcvtFlags,
  fps_rint_s: rint(FS), fps_rint_d: rint(FD),
  fps_minmax_s: minMax(FS), fps_minmax_d: minMax(FD),
  fps_cmpin_s: cmpIn(FS), fps_cmpin_d: cmpIn(FD),
};
