// Strict (FPCR/FPSR-honouring) fused multiply-add, fps_fma_{s,d}(op1, op2, addend): FPMulAdd
// with FPCR.RMode, FZ, DN and the FPSR flags.
//  - double: zero, infinite and NaN operands go through fp_fmadd_d (exact there). In the
//    exponent window of fp_fmadd_d's fast path, its error-free transformations give
//    r = RN(th + RO(tl + ul)) and (unless |ul| is not small against |th|) the sign of the exact
//    error (below); fps_adj_d then rounds in the FPCR mode. Otherwise the exact integer core of
//    fp_fmadd_d (fmaExactCore) gives the sum as sign · W · 2^eW, rounded once here in the FPCR
//    mode (FPRoundBase: overflow, tininess before rounding, FZ);
//  - single: the product is exact in double, the sum is rounded to odd there (TwoSum) and then
//    to single by fps_round_s.
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { fmaExactCore } from './fp-fma.ts';
import { bitOps, FD, Fn, FS, fromBits, L, toBits, type FPKind, type Var } from './fp-ops.ts';
import {
  adjFast, bitSet, callRoundS, dep, depFp, DN, type Factory, flushIn, FZ, IOC, IXC, loadFpcr, modeOf, nonFinite, OFC, param, raise,
  raiseIf, RM_DOWN, RM_UP, sgn, toOdd, UFC,
} from './fp-strict-core.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;
type M = ir.Module;

/**
 * FPMulAdd when an operand is ∞ or NaN, or a factor is zero: fp_fmadd (exact in these cases)
 * plus the flags (IOC for a signalling NaN, ∞ × 0 — even with a quiet-NaN addend — or ∞ − ∞),
 * DN, and the sign of an exact zero when rounding down. Returns from the helper.
 */
function specials(m: M, k: FPKind, x: Var, y: Var, a: Var, ctl: Var, r: Var): Expr {
  const o = bitOps(m, k), F = k.bits === 64 ? m.f64 : (m.f32 as unknown as ir.Module['f64']), i32 = m.i32;
  const B = (v: Var) => () => toBits(m, k, v.get());
  const infZero = i32.or(i32.and(o.isInf(B(x)()), o.isZero(B(y)())), i32.and(o.isZero(B(x)()), o.isInf(B(y)())));
  const anyS = i32.or(i32.or(o.isSNaN(B(x)), o.isSNaN(B(y))), o.isSNaN(B(a)));
  const anyNaN = i32.or(i32.or(o.isNaN(B(x)()), o.isNaN(B(y)())), o.isNaN(B(a)()));
  const zero = k.bits === 64 ? m.f64.const(0) : m.f32.const(0);
  return m.block(null, [
    r.set(m.call(depFp(m, `fp_fmadd_${k.sfx}`), [x.get(), y.get(), a.get()], k.t)),
    m.if(F.ne(r.get(), r.get()), m.block(null, [
      raiseIf(m, i32.or(i32.or(anyS, infZero), i32.eqz(anyNaN)), IOC),
      m.return(m.select(bitSet(m, ctl.get(), DN), fromBits(m, k, o.c(k.dnan)), r.get())),
    ])),
    // ±0 · y + ±0: RN's zero sign rule, or RM's (-RN(-p - a))
    m.if(i32.and(F.eq(r.get(), zero), i32.eq(modeOf(m, ctl.get()), i32.const(RM_DOWN))),
      m.return(F.neg(F.add(F.neg(F.mul(x.get(), y.get())), F.neg(a.get()))))),
    m.return(r.get()),
  ]);
}

const SPLIT = 134217729; // 2^27 + 1

/**
 * The fast case of fps_fma_d: |op1|, |op2| in [2^-459, 2^461), addend 0 or in [2^-970, 2^1001)
 * (fp_fmadd_d's window: nothing overflows or underflows there). a·b = uh + ul (Dekker),
 * c + uh = th + tl (TwoSum), tl + ul = s + e2 (TwoSum), v = s rounded to odd by e2,
 * r = RN(th + v) = RN(exact), th + v = r + d1 (TwoSum). When |ul| ≤ |th| / 16, |v| < |th| / 2,
 * so th, v and r are all multiples of ulp(v) and so is d1, while |exact - (th + v)| =
 * |tl + ul - v| < ulp(v) (v is tl + ul rounded to odd): exact - r has the sign of d1 (both are
 * zero when v is exact). Heavy cancellation of c and uh makes tl = 0 (Sterbenz), so the
 * condition only fails where the product's error is comparable to the sum, and then the exact
 * core takes over. Returns from the helper when it applies.
 */
function fmaFastD(m: M, a: Var, b: Var, c: Var, ctl: Var, fn: Fn): Expr {
  const f = m.f64, i = m.i64, i32 = m.i32;
  const v64 = () => fn.local(F64);
  const t = v64(), ah = v64(), al = v64(), bh = v64(), bl = v64(), uh = v64(), ul = v64(), th = v64(), tl = v64(), z = v64();
  const s = v64(), e2 = v64(), v = v64(), r = v64(), d1 = v64();
  const expOf = (x: Expr) => i.and(i.shr_u(i.reinterpret(x), L(m, 52)), L(m, 0x7ff));
  const inRange = (x: Var, lo: number, n: number) => i.lt_u(i.sub(expOf(x.get()), L(m, lo)), L(m, n));
  const split = (x: Var, hi: Var, lo: Var) => [
    t.set(f.mul(x.get(), f.const(SPLIT))), hi.set(f.sub(t.get(), f.sub(t.get(), x.get()))), lo.set(f.sub(x.get(), hi.get())),
  ];
  const twoSum = (p: Var, q: Var, sum: Var, err: Var) => [
    sum.set(f.add(p.get(), q.get())), z.set(f.sub(sum.get(), p.get())),
    err.set(f.add(f.sub(p.get(), f.sub(sum.get(), z.get())), f.sub(q.get(), z.get()))),
  ];
  return m.if(i32.and(i32.and(inRange(a, 564, 920), inRange(b, 564, 920)), i32.or(inRange(c, 53, 1971), f.eq(c.get(), f.const(0)))),
    m.block(null, [
      ...split(a, ah, al), ...split(b, bh, bl),
      uh.set(f.mul(a.get(), b.get())),
      ul.set(f.add(f.add(f.add(f.sub(f.mul(ah.get(), bh.get()), uh.get()), f.mul(ah.get(), bl.get())), f.mul(al.get(), bh.get())), f.mul(al.get(), bl.get()))),
      ...twoSum(c, uh, th, tl),
      m.if(i32.and(f.ne(th.get(), f.const(0)), f.le(f.abs(ul.get()), f.mul(f.abs(th.get()), f.const(1 / 16)))), m.block(null, [
        ...twoSum(tl, ul, s, e2),
        v.set(f.reinterpret(toOdd(m, s.get, e2.get))),
        ...twoSum(th, v, r, d1),
        m.return(adjFast(m, FD, r, () => sgn(m, FD, d1.get), ctl)),
      ])),
    ]));
}

function fmaD(m: M, name: string): void {
  const fn = new Fn(m, [F64, F64, F64]), f = m.f64, i32 = m.i32;
  const x = param(fn, 0), y = param(fn, 1), a = param(fn, 2), ctl = fn.local(I32), r = fn.local(F64);
  fn.add(name, F64, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FD, x, ctl), flushIn(m, FD, y, ctl), flushIn(m, FD, a, ctl),
    m.if(i32.or(i32.or(i32.or(nonFinite(m, FD, x.get), nonFinite(m, FD, y.get)), nonFinite(m, FD, a.get)),
      i32.or(f.eq(x.get(), f.const(0)), f.eq(y.get(), f.const(0)))), specials(m, FD, x, y, a, ctl, r)),
    fmaFastD(m, x, y, a, ctl, fn),
    m.call(dep(m, 'fma_exact_d', fmaExactD), [x.get(), y.get(), a.get(), ctl.get()], F64),
  ]);
}

/** (op1, op2, addend, fpcr): finite, op1, op2 ≠ 0: the exact sum rounded once in FPCR.RMode, with the flags */
function fmaExactD(m: M, name: string): void {
  const fn = new Fn(m, [F64, F64, F64, I32]), f = m.f64, i = m.i64, i32 = m.i32;
  const ctl = param(fn, 3), mode = fn.local(I32), away = fn.local(I32), tiny = fn.local(I32);
  const E = fn.local(I64), S = fn.local(I64), sh = fn.local(I64), q = fn.local(I64), rem = fn.local(I64), half = fn.local(I64);
  const bits = fn.local(I64);
  const c = (v: bigint | number) => L(m, v), k = (v: number) => i32.const(v);
  const ret = (v: Expr) => m.return(f.reinterpret(v));
  const { body, sign, W, eW } = fmaExactCore(fn, ret(m.select(i32.eq(mode.get(), k(RM_DOWN)), c(1n << 63n), c(0))));
  fn.add(name, F64, [
    mode.set(modeOf(m, ctl.get())),
    ...body,
    // round (-1)^sign · W · 2^eW (W: leading one at bit 62, sticky bit 0) in FPCR.RMode
    E.set(i.add(eW.get(), c(62))),
    S.set(i.shl(sign.get(), c(63))),
    away.set(i32.or(i32.and(i32.eq(mode.get(), k(RM_UP)), i.eqz(sign.get())), i32.and(i32.eq(mode.get(), k(RM_DOWN)), i.ne(sign.get(), c(0))))),
    m.if(i.gt_s(E.get(), c(1023)), m.block(null, [
      raise(m, k(OFC | IXC)),
      ret(i.or(S.get(), m.select(i32.or(i32.eqz(mode.get()), away.get()), c(0x7ff0000000000000n), c(0x7fefffffffffffffn)))),
    ])),
    tiny.set(i.lt_s(E.get(), c(-1022))),
    m.if(i32.and(tiny.get(), bitSet(m, ctl.get(), FZ)), m.block(null, [raise(m, k(UFC)), ret(S.get())])),
    // keep 53 bits, or fewer when the result is subnormal (its last bit is 2^-1074)
    sh.set(m.select(i.gt_s(i.sub(c(-1074), eW.get()), c(10)), i.sub(c(-1074), eW.get()), c(10))),
    m.if(i.ge_u(sh.get(), c(64)),
      m.block(null, [q.set(c(0)), rem.set(W.get()), half.set(c(1n << 63n))]),
      m.block(null, [
        q.set(i.shr_u(W.get(), sh.get())),
        rem.set(i.and(W.get(), i.sub(i.shl(c(1), sh.get()), c(1)))),
        half.set(i.shl(c(1), i.sub(sh.get(), c(1)))),
      ])),
    q.set(i.add(q.get(), i.extend_u(m.select(i32.eqz(mode.get()),
      i32.or(i.gt_u(rem.get(), half.get()), i32.and(i.eq(rem.get(), half.get()), i32.wrap(i.and(q.get(), c(1))))),
      i32.and(away.get(), i.ne(rem.get(), c(0))))))),
    // normal: q holds the implicit bit, added onto (biased exponent - 1) << 52 (a carry bumps the
    // exponent, up to ∞); subnormal: exponent field 0 (a carry makes it the smallest normal)
    bits.set(i.or(S.get(), i.add(q.get(), m.select(i.eq(sh.get(), c(10)), i.shl(i.add(E.get(), c(1022)), c(52)), c(0))))),
    raise(m, i32.or(
      m.select(i.ne(rem.get(), c(0)), m.select(tiny.get(), k(IXC | UFC), k(IXC)), k(0)),
      m.select(i.eq(i.and(bits.get(), c((1n << 63n) - 1n)), c(0x7ff0000000000000n)), k(OFC), k(0)))),
    f.reinterpret(bits.get()),
  ]);
}

function fmaS(m: M, name: string): void {
  const fn = new Fn(m, [F32, F32, F32]), f = m.f64, g = m.f32, i32 = m.i32;
  const x = param(fn, 0), y = param(fn, 1), a = param(fn, 2);
  const ctl = fn.local(I32), r = fn.local(F32), p = fn.local(F64), C = fn.local(F64), s = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
  fn.add(name, F32, [
    ctl.set(loadFpcr(m)),
    flushIn(m, FS, x, ctl), flushIn(m, FS, y, ctl), flushIn(m, FS, a, ctl),
    m.if(i32.or(i32.or(nonFinite(m, FS, x.get), nonFinite(m, FS, y.get)), nonFinite(m, FS, a.get)), specials(m, FS, x, y, a, ctl, r)),
    p.set(f.mul(f.promote(x.get()), f.promote(y.get()))), // exact
    C.set(f.promote(a.get())),
    s.set(f.add(p.get(), C.get())),
    // exact zero: RN's sign rule for zeros, or RM's
    m.if(f.eq(s.get(), f.const(0)), m.return(g.demote(m.select(i32.eq(modeOf(m, ctl.get()), i32.const(RM_DOWN)),
      f.neg(f.add(f.neg(p.get()), f.neg(C.get()))), s.get())))),
    z.set(f.sub(s.get(), p.get())),
    e.set(f.add(f.sub(p.get(), f.sub(s.get(), z.get())), f.sub(C.get(), z.get()))),
    callRoundS(m, f.reinterpret(toOdd(m, s.get, e.get)), ctl.get()),
  ]);
}

export const strictFma: Record<string, Factory> = { fps_fma_s: fmaS, fps_fma_d: fmaD };
