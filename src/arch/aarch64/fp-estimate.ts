// Reciprocal and reciprocal square root estimates and steps (FRECPE, FRSQRTE, FRECPX, FRECPS,
// FRSQRTS; and the integer URECPE, URSQRTE) as Wasm helpers on the bits of one single or double: fpe_{recpe,rsqrte,recpx}_{s,d}(x)
// and fpe_{recps,rsqrts}_{s,d}(x, y), every operand and result an i64 holding the bits (a single
// in the low 32); the estimates also for half precision, fpe_{recpe,rsqrte,recpx}_h (FZ16 in
// place of FZ; the half steps are fp16-arith.ts's fph_recps/fph_rsqrts). They honour FPCR (RMode, FZ, DN) and raise the FPSR flags whether or not the
// guest has written FPCR (these are rare instructions and each is a call anyway; the value
// of a clean FPCR is Linux's default).
//
// The estimates follow the Arm ARM's FPRecipEstimate / FPRSqrtEstimate: the operand is scaled to
// a 9-bit fixed-point value in [0.5, 1) (resp. [0.25, 1) keeping the exponent's parity),
// RecipEstimate / RecipSqrtEstimate give an 8-bit-fraction estimate in [1, 2), and the result
// exponent is derived from the operand's. The two integer functions are computed here rather
// than tabulated: RecipEstimate(a) = (2^19 div (2a+1) + 1) div 2; RecipSqrtEstimate(a) =
// (b + 1) div 2 for the least b ≥ 512 with a'·(b+1)² ≥ 2^28 (a' the rounded operand), found
// from a double square root and corrected by exact integer tests.
//
// FRECPS = 2 − x·y and FRSQRTS = (3 − x·y) / 2 are fused: they negate x (so a NaN from x comes
// out negated), return 2 resp. 1.5 for ∞ × 0, and otherwise call the strict fused multiply-add
// (fps_fma_{s,d}); FRSQRTS halves the larger operand first (exact: its exponent is checked) so
// that 3 + x·y cannot overflow when (3 + x·y) / 2 does not.
import * as ir from '../../wasm/ir.ts';
import { helperId, type Expr } from '../../lift/types.ts';
import { Fn, L, type Var } from './fp-ops.ts';
import { strictFma } from './fp-strict-fma.ts';
import {
  bitSet, DN, DZC, type Factory, FZ, FZ16, IDC, IOC, IXC, loadFpcr, modeOf, OFC, param, raise, RM_DOWN, RM_UP, UFC,
} from './fp-strict-core.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;
type M = ir.Module;

/** a format by its bits, held in an i64; the FPCR bit that flushes it, and whether flushing an operand raises IDC */
interface Fmt { sfx: 'h' | 's' | 'd'; frac: number; exp: number; fz: number; idc: boolean }
const S: Fmt = { sfx: 's', frac: 23, exp: 8, fz: FZ, idc: true };
const D: Fmt = { sfx: 'd', frac: 52, exp: 11, fz: FZ, idc: true };
/** half precision (FEAT_FP16): FZ16 flushes, without IDC (as for the other half-precision instructions) */
const H: Fmt = { sfx: 'h', frac: 10, exp: 5, fz: FZ16, idc: false };

const sign = (f: Fmt) => 1n << BigInt(f.frac + f.exp);
const inf = (f: Fmt) => ((1n << BigInt(f.exp)) - 1n) << BigInt(f.frac);
const qbit = (f: Fmt) => 1n << BigInt(f.frac - 1);
const dnan = (f: Fmt) => inf(f) | qbit(f);
const fracMask = (f: Fmt) => (1n << BigInt(f.frac)) - 1n;
/** the bits of 2^e (a normal number) */
const pow2 = (f: Fmt, e: number) => BigInt(e + (1 << (f.exp - 1)) - 1) << BigInt(f.frac);

/** common opening: FPCR in `ctl`, sign in `sg`, |x| in `ax`; NaN → FPProcessNaN; FZ flush of a subnormal (IDC) */
function unpack(m: M, f: Fmt, x: Var, ctl: Var, sg: Var, ax: Var): Expr[] {
  const i64 = m.i64;
  return [
    ctl.set(loadFpcr(m)),
    sg.set(i64.and(x.get(), L(m, sign(f)))),
    ax.set(i64.and(x.get(), L(m, sign(f) - 1n))),
    m.if(i64.gt_u(ax.get(), L(m, inf(f))), m.block(null, [
      m.if(i64.eqz(i64.and(x.get(), L(m, qbit(f)))), raise(m, m.i32.const(IOC))),
      m.return(m.select(bitSet(m, ctl.get(), DN), L(m, dnan(f)), i64.or(x.get(), L(m, qbit(f))))),
    ])),
    m.if(m.i32.and(bitSet(m, ctl.get(), f.fz), m.i32.and(i64.ne(ax.get(), L(m, 0)), i64.lt_u(ax.get(), L(m, 1n << BigInt(f.frac))))),
      m.block(null, [ax.set(L(m, 0)), f.idc ? raise(m, m.i32.const(IDC)) : m.nop()])),
  ];
}

/** the fraction as 52 bits (the Arm ARM widens every format to this) and the biased exponent */
function widen(m: M, f: Fmt, ax: Var, frac: Var, exp: Var): Expr[] {
  const i64 = m.i64;
  return [
    frac.set(i64.shl(i64.and(ax.get(), L(m, fracMask(f))), L(m, 52 - f.frac))),
    exp.set(m.i32.wrap(i64.shr_u(ax.get(), L(m, f.frac)))),
  ];
}

/** FPRecipEstimate */
function recpe(f: Fmt): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64]), i64 = m.i64, i32 = m.i32;
    const x = param(fn, 0);
    const ctl = fn.local(I32), sg = fn.local(I64), ax = fn.local(I64), frac = fn.local(I64), exp = fn.local(I32);
    const rexp = fn.local(I32), est = fn.local(I64), mode = fn.local(I32), toInf = fn.local(I32);
    const M52 = (1n << 52n) - 1n;
    fn.add(name, I64, [
      ...unpack(m, f, x, ctl, sg, ax),
      m.if(i64.eq(ax.get(), L(m, inf(f))), m.return(sg.get())),
      m.if(i64.eqz(ax.get()), m.block(null, [raise(m, i32.const(DZC)), m.return(i64.or(sg.get(), L(m, inf(f))))])),
      // |x| < 2^-(emax+1): the reciprocal overflows
      m.if(i64.lt_u(ax.get(), L(m, 1n << BigInt(f.frac - 2))), m.block(null, [
        raise(m, i32.const(OFC | IXC)),
        mode.set(modeOf(m, ctl.get())),
        toInf.set(m.if(i32.eqz(mode.get()), i32.const(1), m.if(i32.eq(mode.get(), i32.const(RM_UP)), i64.eqz(sg.get()),
          m.if(i32.eq(mode.get(), i32.const(RM_DOWN)), i64.ne(sg.get(), L(m, 0)), i32.const(0))))),
        m.return(i64.or(sg.get(), m.select(toInf.get(), L(m, inf(f)), L(m, inf(f) - 1n)))),
      ])),
      // FZ: a reciprocal below the normal range is flushed to zero
      m.if(i32.and(bitSet(m, ctl.get(), f.fz), i64.ge_u(ax.get(), L(m, pow2(f, (1 << (f.exp - 1)) - 2)))),
        m.block(null, [raise(m, i32.const(UFC)), m.return(sg.get())])),
      ...widen(m, f, ax, frac, exp),
      m.if(i32.eqz(exp.get()), m.if(i64.eqz(i64.and(frac.get(), L(m, 1n << 51n))),
        m.block(null, [exp.set(i32.const(-1)), frac.set(i64.and(i64.shl(frac.get(), L(m, 2)), L(m, M52)))]),
        frac.set(i64.and(i64.shl(frac.get(), L(m, 1)), L(m, M52))))),
      rexp.set(i32.sub(i32.const(2 * ((1 << (f.exp - 1)) - 1) - 1), exp.get())),
      est.set(recipEstimate(m, i64.or(L(m, 256), i64.shr_u(frac.get(), L(m, 44))))),
      frac.set(i64.shl(i64.and(est.get(), L(m, 0xff)), L(m, 44))),
      m.if(i32.eqz(rexp.get()), frac.set(i64.or(L(m, 1n << 51n), i64.shr_u(frac.get(), L(m, 1))))),
      m.if(i32.eq(rexp.get(), i32.const(-1)), m.block(null, [
        frac.set(i64.or(L(m, 1n << 50n), i64.shr_u(frac.get(), L(m, 2)))), rexp.set(i32.const(0)),
      ])),
      i64.or(i64.or(sg.get(), i64.shl(i64.extend_u(rexp.get()), L(m, f.frac))), i64.shr_u(frac.get(), L(m, 52 - f.frac))),
    ]);
  };
}

/** RecipEstimate(a), a in [256, 512): (2^19 div (2a + 1) + 1) div 2, in [256, 512) */
const recipEstimate = (m: M, a: Expr): Expr =>
  m.i64.shr_u(m.i64.add(m.i64.div_u(L(m, 1 << 19), m.i64.or(m.i64.shl(a, L(m, 1)), L(m, 1))), L(m, 1)), L(m, 1));

/** RecipSqrtEstimate(a), a in [128, 512): in [256, 512) */
function rsqrtEstimate(m: M, fn: Fn, a: Expr): Expr {
  const i64 = m.i64, t = fn.local(I64), c = fn.local(I64);
  const big = (v: () => Expr) => i64.ge_u(i64.mul(t.get(), i64.mul(v(), v())), L(m, 1 << 28)); // a'·v² ≥ 2^28
  return m.block(null, [
    t.set(a),
    // a' in units of 1/512 (a < 256) or 1/256 (a ≥ 256, its low bit dropped), rounded to nearest
    t.set(m.select(i64.lt_u(t.get(), L(m, 256)), i64.add(i64.shl(t.get(), L(m, 1)), L(m, 1)),
      i64.shl(i64.add(i64.and(t.get(), L(m, ~1n)), L(m, 1)), L(m, 1)))),
    // c = b + 1: the least c ≥ 513 with a'·c² ≥ 2^28
    c.set(i64.trunc_u.f64(m.f64.ceil(m.f64.sqrt(m.f64.div(m.f64.const(2 ** 28), m.f64.convert_u.i64(t.get())))))),
    m.if(big(() => i64.sub(c.get(), L(m, 1))), c.set(i64.sub(c.get(), L(m, 1)))),
    m.if(m.i32.eqz(big(c.get)), c.set(i64.add(c.get(), L(m, 1)))),
    i64.shr_u(m.select(i64.lt_u(c.get(), L(m, 513)), L(m, 513), c.get()), L(m, 1)),
  ], I64);
}

/** FPRSqrtEstimate */
function rsqrte(f: Fmt): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64]), i64 = m.i64, i32 = m.i32;
    const x = param(fn, 0);
    const ctl = fn.local(I32), sg = fn.local(I64), ax = fn.local(I64), frac = fn.local(I64), exp = fn.local(I32);
    const lz = fn.local(I64), scaled = fn.local(I64);
    const M52 = (1n << 52n) - 1n, bias = (1 << (f.exp - 1)) - 1;
    fn.add(name, I64, [
      ...unpack(m, f, x, ctl, sg, ax),
      m.if(i64.eqz(ax.get()), m.block(null, [raise(m, i32.const(DZC)), m.return(i64.or(sg.get(), L(m, inf(f))))])),
      m.if(i64.ne(sg.get(), L(m, 0)), m.block(null, [raise(m, i32.const(IOC)), m.return(L(m, dnan(f)))])),
      m.if(i64.eq(ax.get(), L(m, inf(f))), m.return(L(m, 0))),
      ...widen(m, f, ax, frac, exp),
      // a subnormal is normalised: exp goes to 0, -1, … as the leading one moves up to bit 52
      m.if(i32.eqz(exp.get()), m.block(null, [
        lz.set(i64.sub(i64.clz(frac.get()), L(m, 12))),
        frac.set(i64.and(i64.shl(frac.get(), i64.add(lz.get(), L(m, 1))), L(m, M52))),
        exp.set(i32.sub(i32.const(0), i32.wrap(lz.get()))),
      ])),
      scaled.set(m.select(i32.eqz(i32.and(exp.get(), i32.const(1))),
        i64.or(L(m, 256), i64.shr_u(frac.get(), L(m, 44))), i64.or(L(m, 128), i64.shr_u(frac.get(), L(m, 45))))),
      // result exponent (3·bias − 1 − exp) div 2; the estimate's 8 fraction bits on top
      i64.or(i64.shl(i64.extend_u(i32.shr_s(i32.sub(i32.const(3 * bias - 1), exp.get()), i32.const(1))), L(m, f.frac)),
        i64.shl(i64.and(rsqrtEstimate(m, fn, scaled.get()), L(m, 0xff)), L(m, f.frac - 8))),
    ]);
  };
}

/** FPRecpX: the exponent inverted, fraction zero (zero and subnormal exponents give the largest) */
function recpx(f: Fmt): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64]), i64 = m.i64;
    const x = param(fn, 0);
    const ctl = fn.local(I32), sg = fn.local(I64), ax = fn.local(I64), e = fn.local(I64);
    fn.add(name, I64, [
      ...unpack(m, f, x, ctl, sg, ax), // (the FZ flush only raises IDC: the exponent is read from x)
      e.set(i64.and(x.get(), L(m, inf(f)))),
      i64.or(sg.get(), m.select(i64.eqz(e.get()), L(m, inf(f) - (1n << BigInt(f.frac))), i64.xor(e.get(), L(m, inf(f))))),
    ]);
  };
}

/** the registered fps_fma_{s,d} (the function the lifter's FMADD calls in strict mode) */
function strictFmaId(m: M, f: Fmt): string {
  const key = `fps_fma_${f.sfx}`, id = helperId(key);
  if (!m.getFunction(id)) strictFma[key]!(m, id);
  return id;
}

/** FPRecipStepFused (c = 2) and FPRSqrtStepFused (c = 3, halved) */
function step(f: Fmt, rsqrt: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64, I64]), i64 = m.i64, i32 = m.i32;
    const T = f === S ? F32 : F64;
    const F = f === S ? (m.f32 as unknown as ir.Module['f64']) : m.f64;
    const fl = (v: Expr) => (f === S ? m.f32.reinterpret(i32.wrap(v)) : m.f64.reinterpret(v));
    const bits = (v: Expr) => (f === S ? i64.extend_u(i32.reinterpret(v)) : i64.reinterpret(v));
    const c = (v: number) => (f === S ? m.f32.const(v) : m.f64.const(v));
    const x = param(fn, 0), y = param(fn, 1), ctl = fn.local(I32), ax = fn.local(I64), ay = fn.local(I64);
    const isInf = (v: Var) => i64.eq(v.get(), L(m, inf(f))), isZero = (v: Var) => i64.eqz(v.get());
    const fz = (v: Var, a: Var) => m.block(null, [
      a.set(i64.and(v.get(), L(m, sign(f) - 1n))),
      m.if(i32.and(bitSet(m, ctl.get(), FZ), i32.and(i64.ne(a.get(), L(m, 0)), i64.lt_u(a.get(), L(m, 1n << BigInt(f.frac))))),
        m.block(null, [v.set(i64.and(v.get(), L(m, sign(f)))), a.set(L(m, 0)), raise(m, i32.const(IDC))])),
    ]);
    const fma = (a: Expr, b: Expr, addend: Expr) => m.call(strictFmaId(m, f), [a, b, addend], T);
    // halving the operand of larger magnitude is exact when its biased exponent is at least 2
    const halvable = i64.ge_u(m.select(i64.ge_u(ax.get(), ay.get()), ax.get(), ay.get()), L(m, 2n << BigInt(f.frac)));
    const xFirst = () => i64.ge_u(ax.get(), ay.get()); // x is the larger (or equal): x is halved, else y
    const halve = (v: Var, pick: Expr) => m.select(pick, F.mul(fl(v.get()), c(0.5)), fl(v.get()));
    fn.add(name, I64, [
      ctl.set(loadFpcr(m)),
      x.set(i64.xor(x.get(), L(m, sign(f)))),
      fz(x, ax), fz(y, ay),
      m.if(i32.or(i32.and(isInf(ax), isZero(ay)), i32.and(isZero(ax), isInf(ay))), m.return(bits(c(rsqrt ? 1.5 : 2)))),
      // NaNs: FPProcessNaNs(−x, y) is what the multiply-add does with a non-NaN addend
      ...(rsqrt ? [m.if(i32.or(i64.gt_u(ax.get(), L(m, inf(f))), i64.gt_u(ay.get(), L(m, inf(f)))), m.return(bits(fma(fl(x.get()), fl(y.get()), c(3)))))] : []),
      bits(!rsqrt ? fma(fl(x.get()), fl(y.get()), c(2))
        : m.if(halvable, fma(halve(x, xFirst()), halve(y, m.i32.eqz(xFirst())), c(1.5)), F.mul(fma(fl(x.get()), fl(y.get()), c(3)), c(0.5)))),
    ]);
  };
}

/**
 * URECPE / URSQRTE on a 32-bit lane: the operand as a fraction in [0.5, 1) resp. [0.25, 1);
 * smaller operands give all ones, else the 9-bit estimate of the top 9 bits, at the top
 */
function unsignedEstimate(rsqrt: boolean): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I64]), i64 = m.i64, top = () => i64.shr_u(fn.p(0), L(m, 23));
    fn.add(name, I64, [
      m.if(i64.lt_u(fn.p(0), L(m, rsqrt ? 0x40000000 : 0x80000000)), m.return(L(m, 0xffffffff))),
      i64.shl(rsqrt ? rsqrtEstimate(m, fn, top()) : recipEstimate(m, top()), L(m, 23)),
    ]);
  };
}

export const estimateHelpers: Record<string, Factory> = {
  fpe_recpe_s: recpe(S), fpe_recpe_d: recpe(D), fpe_rsqrte_s: rsqrte(S), fpe_rsqrte_d: rsqrte(D),
  fpe_recpx_s: recpx(S), fpe_recpx_d: recpx(D),
  fpe_recpe_h: recpe(H), fpe_rsqrte_h: rsqrte(H), fpe_recpx_h: recpx(H),
  fpe_recps_s: step(S, false), fpe_recps_d: step(D, false), fpe_rsqrts_s: step(S, true), fpe_rsqrts_d: step(D, true),
  fpe_urecpe_s: unsignedEstimate(false), fpe_ursqrte_s: unsignedEstimate(true),
};
