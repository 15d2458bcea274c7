// Half-precision conversions (FCVT to and from H registers) as Wasm helper functions: Wasm has
// no f16, so they round and unpack the bits by hand.
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { bitOps, FD, fo, Fn, fromBits, FS, ic, io, L, toBits, type FPKind, type Var } from './fp-ops.ts';

const I32 = ir.i32, I64 = ir.i64;

/**
 * Code rounding the (non-NaN) double in `x` to IEEE half precision (round to nearest even,
 * gradual underflow, overflow to ∞); returns the statements, the result is left in `out` (i32).
 */
function roundToHalf(fn: Fn, x: Expr, out: Var): Expr {
  const m = fn.m;
  const X = fn.local(I64), E = fn.local(I64), mant = fn.local(I64), sh = fn.local(I64), q = fn.local(I64);
  const rem = fn.local(I64), half = fn.local(I64), sign = fn.local(I32);
  const done = 'half_done';
  const fin = (v: Expr) => m.block(null, [out.set(m.i32.or(sign.get(), v)), m.br(done)]);
  return m.block(done, [
    X.set(m.i64.reinterpret(x)),
    sign.set(m.i32.wrap(m.i64.and(m.i64.shr_u(X.get(), L(m, 48)), L(m, 0x8000)))),
    E.set(m.i64.sub(m.i64.and(m.i64.shr_u(X.get(), L(m, 52)), L(m, 0x7ff)), L(m, 1023))),
    m.if(m.i64.gt_s(E.get(), L(m, 15)), fin(m.i32.const(0x7c00))), // also ∞
    m.if(m.i64.lt_s(E.get(), L(m, -25)), fin(m.i32.const(0))), // below half the smallest subnormal (incl. 0)
    mant.set(m.i64.or(m.i64.and(X.get(), L(m, (1n << 52n) - 1n)), L(m, 1n << 52n))),
    // keep 11 bits, fewer for half-precision subnormals (exponent < -14)
    sh.set(m.i64.add(L(m, 42), m.select(m.i64.lt_s(E.get(), L(m, -14)), m.i64.sub(L(m, -14), E.get()), L(m, 0)))),
    q.set(m.i64.shr_u(mant.get(), sh.get())),
    rem.set(m.i64.and(mant.get(), m.i64.sub(m.i64.shl(L(m, 1), sh.get()), L(m, 1)))),
    half.set(m.i64.shl(L(m, 1), m.i64.sub(sh.get(), L(m, 1)))),
    q.set(m.i64.add(q.get(), m.i64.extend_u(m.i32.or(m.i64.gt_u(rem.get(), half.get()),
      m.i32.and(m.i64.eq(rem.get(), half.get()), m.i32.wrap(m.i64.and(q.get(), L(m, 1)))))))),
    // q carries the implicit bit: adding it to (exponent - 1) << 10 also handles a round-up carry
    fin(m.i32.wrap(m.i64.add(q.get(), m.select(m.i64.ge_s(E.get(), L(m, -14)), m.i64.shl(m.i64.add(E.get(), L(m, 14)), L(m, 10)), L(m, 0))))),
  ]);
}

/** fp_d2h / fp_s2h: FCVT Hd, Dn / Sn (i32 result holds the 16 bits) */
function toHalf(k: FPKind) {
  return (m: ir.Module, name: string) => {
    const fn = new Fn(m, [k.t]), x = fn.local(k.it), out = fn.local(I32);
    const o = bitOps(m, k);
    // NaN: sign, quiet, top 9 payload bits
    const top = k.bits === 64 ? m.i32.wrap(m.i64.shr_u(x.get(), L(m, 42))) : m.i32.shr_u(x.get(), m.i32.const(13));
    const sgn = k.bits === 64 ? m.i32.wrap(m.i64.shr_u(x.get(), L(m, 48))) : m.i32.shr_u(x.get(), m.i32.const(16));
    fn.add(name, I32, [
      x.set(toBits(m, k, fn.p(0))),
      m.if(o.isNaN(x.get()), m.return(m.i32.or(m.i32.or(m.i32.and(sgn, m.i32.const(0x8000)), m.i32.const(0x7e00)), m.i32.and(top, m.i32.const(0x1ff))))),
      roundToHalf(fn, k.bits === 64 ? fn.p(0) : m.f64.promote(fn.p(0)), out),
      out.get(),
    ]);
  };
}

/** fp_h2s / fp_h2d: FCVT Sd / Dd, Hn (exact; NaNs keep their sign and payload, quietened) */
function fromHalf(k: FPKind) {
  return (m: ir.Module, name: string) => {
    const fn = new Fn(m, [I32]), h = fn.local(I32), e = fn.local(I32), f = fn.local(I32);
    const F = fo(m, k), i = io(m, k);
    const signBit = () => (k.bits === 64 ? m.i64.shl(m.i64.extend_u(m.i32.and(h.get(), m.i32.const(0x8000))), L(m, 48)) : m.i32.shl(m.i32.and(h.get(), m.i32.const(0x8000)), m.i32.const(16)));
    const widen = (v: Expr) => (k.bits === 64 ? m.i64.extend_u(v) : v);
    const payload = k.bits === 64 ? m.i64.shl(widen(m.i32.and(f.get(), m.i32.const(0x1ff))), L(m, 42)) : m.i32.shl(m.i32.and(f.get(), m.i32.const(0x1ff)), m.i32.const(13));
    // 2^(e-25) as a float of the kind, e in 1..30
    const scale = k.bits === 64
      ? m.f64.reinterpret(m.i64.shl(m.i64.extend_u(m.i32.add(e.get(), m.i32.const(1023 - 25))), L(m, 52)))
      : m.f32.reinterpret(m.i32.shl(m.i32.add(e.get(), m.i32.const(127 - 25)), m.i32.const(23)));
    const mag = F.mul((k.bits === 64 ? m.f64.convert_u.i32 : m.f32.convert_u.i32)(f.get()), scale);
    fn.add(name, k.t, [
      h.set(fn.p(0)),
      e.set(m.i32.and(m.i32.shr_u(h.get(), m.i32.const(10)), m.i32.const(31))),
      f.set(m.i32.and(h.get(), m.i32.const(0x3ff))),
      m.if(m.i32.eq(e.get(), m.i32.const(31)), m.return(F.reinterpret(i.or(signBit(),
        m.select(m.i32.eqz(f.get()), ic(m, k, k.inf), i.or(ic(m, k, k.dnan), payload)))))),
      m.if(m.i32.eqz(e.get()), e.set(m.i32.const(1)), f.set(m.i32.or(f.get(), m.i32.const(0x400)))),
      fromBits(m, k, i.or(signBit(), toBits(m, k, mag))),
    ]);
  };
}

export const halfHelpers: Record<string, (m: ir.Module, name: string) => void> = {
  fp_s2h: toHalf(FS), fp_d2h: toHalf(FD),
  fp_h2s: fromHalf(FS), fp_h2d: fromHalf(FD),
};
