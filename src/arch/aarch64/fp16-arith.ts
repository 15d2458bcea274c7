// Half-precision arithmetic (FEAT_FP16, scalar): Wasm helpers over the 16 bits of an H register
// held in an i32. Rows: table/fp16.ts (scalar), table/simd-fp16*.ts (Advanced SIMD lanes).
//
// Wasm has no f16, so each operation runs in f64 on the exactly widened operands and rounds once
// to half (fp-strict-core's round_h16: FPCR.RMode, FZ16, IXC/UFC/OFC). That is exact: sums and
// products of halves are exact in a double, and a quotient or square root that is not a half (or
// a midpoint between two) lies more than 2^-53 away from one, so its double rounding cannot land
// on one; the fused multiply-add rounds to odd in double first (53 ≥ 11 + 2 bits).
//
// The helpers always honour FPCR and raise FPSR flags (no fast path: half precision is rare, and
// before the guest writes FPCR it is zero, i.e. round to nearest, as the fast path assumes). FZ16
// flushes subnormal operands without IDC (FPUnpack for half precision; qemu does the same).
import * as ir from '../../wasm/ir.ts';
import { helperId, type Expr } from '../../lift/types.ts';
import { Fn, L, type Var } from './fp-ops.ts';
import {
  bitSet, callRoundH16, depFp, DN, DZC, type Factory, FZ16, IOC, IXC, loadFpcr, modeOf, param, raise, raiseIf, RM_DOWN, toOdd,
} from './fp-strict-core.ts';
import { roundBy } from './fp-strict-cvt.ts';

const I32 = ir.i32, I64 = ir.i64, F64 = ir.f64;
type M = ir.Module;
const SIGN = 0x8000, INF = 0x7c00, QBIT = 0x200, DNAN = 0x7e00;

const c = (m: M, v: number) => m.i32.const(v);
const isNaN = (m: M, x: Expr) => m.i32.gt_u(m.i32.and(x, c(m, 0x7fff)), c(m, INF));
const isSNaN = (m: M, x: () => Expr) => m.i32.and(isNaN(m, x()), m.i32.eqz(m.i32.and(x(), c(m, QBIT))));
const isQNaN = (m: M, x: () => Expr) => m.i32.and(isNaN(m, x()), m.i32.ne(m.i32.and(x(), c(m, QBIT)), c(m, 0)));
/** the exact double of a half (NaNs only as a NaN) */
const toD = (m: M, x: Expr) => m.call(depFp(m, 'fp_h2d'), [x], F64);
/** a double that is a half value (or ∞) as its bits */
const fromD = (m: M, v: Expr) => m.call(depFp(m, 'fp_d2h'), [v], I32);
const negative = (m: M, x: Expr) => m.i32.ne(m.i32.and(x, c(m, SIGN)), c(m, 0));

/** FZ16: a subnormal operand becomes a zero of its sign */
export function flush16(m: M, x: Var, ctl: Var): Expr {
  const sub = m.i32.and(m.i32.eqz(m.i32.and(x.get(), c(m, INF))), m.i32.ne(m.i32.and(x.get(), c(m, 0x3ff)), c(m, 0)));
  return m.if(m.i32.and(bitSet(m, ctl.get(), FZ16), sub), x.set(m.i32.and(x.get(), c(m, SIGN))));
}

/**
 * FPProcessNaNs over the operands in priority order: when one is a NaN, returns the first
 * signalling NaN quietened (IOC), else the first quiet NaN; the default NaN with FPCR.DN.
 */
function processNaNs(m: M, ops: Var[], ctl: Var): Expr {
  let pick: Expr = ops[ops.length - 1]!.get();
  for (const o of [...ops].reverse().slice(1)) pick = m.select(isNaN(m, o.get()), o.get(), pick);
  for (const o of [...ops].reverse()) pick = m.select(isSNaN(m, o.get), o.get(), pick);
  const any = (p: (o: Var) => Expr) => ops.map(p).reduce((a, b) => m.i32.or(a, b));
  return m.if(any((o) => isNaN(m, o.get())), m.block(null, [
    raiseIf(m, any((o) => isSNaN(m, o.get)), IOC),
    m.return(m.select(bitSet(m, ctl.get(), DN), c(m, DNAN), m.i32.or(pick, c(m, QBIT)))),
  ]));
}

/** an invalid operation (the double result r is a NaN): IOC and the default NaN */
const invalid = (m: M, r: Var): Expr =>
  m.if(m.f64.ne(r.get(), r.get()), m.block(null, [raise(m, c(m, IOC)), m.return(c(m, DNAN))]));
/** an infinite result comes from an infinite operand or a division by zero: exact */
const exactInf = (m: M, r: Var): Expr => m.if(m.f64.eq(m.f64.abs(r.get()), m.f64.const(Infinity)), m.return(fromD(m, r.get())));
/** an exact zero sum of opposite signs (or of zeros) is -0 when rounding towards minus infinity */
const zeroSign = (m: M, r: Var, ctl: Var, negX: Expr, negY: Expr): Expr =>
  m.if(m.i32.and(m.f64.eq(r.get(), m.f64.const(0)), m.i32.eq(modeOf(m, ctl.get()), c(m, RM_DOWN))),
    r.set(m.select(m.i32.or(negX, negY), m.f64.const(-0), m.f64.const(0))));

/** the start of every helper: FPCR read, operands flushed, NaN operands handled */
const prologue = (m: M, ctl: Var, ops: Var[]): Expr[] => [ctl.set(loadFpcr(m)), ...ops.map((o) => flush16(m, o, ctl)), processNaNs(m, ops, ctl)];

/** fph_{add,sub,mul,div}(a, b) */
function arith(op: 'add' | 'sub' | 'mul' | 'div'): Factory {
  return (m, name) => {
    const fn = new Fn(m, [I32, I32]), a = param(fn, 0), b = param(fn, 1), f = m.f64;
    const ctl = fn.local(I32), x = fn.local(F64), y = fn.local(F64), r = fn.local(F64);
    const finiteNonZero = () => m.i32.and(f.ne(x.get(), f.const(0)), f.lt(f.abs(x.get()), f.const(Infinity)));
    fn.add(name, I32, [
      ...prologue(m, ctl, [a, b]),
      x.set(toD(m, a.get())), y.set(toD(m, b.get())),
      ...(op === 'div' ? [raiseIf(m, m.i32.and(f.eq(y.get(), f.const(0)), finiteNonZero()), DZC)] : []),
      r.set(f[op](x.get(), y.get())),
      invalid(m, r), exactInf(m, r),
      ...(op === 'add' || op === 'sub' ? [zeroSign(m, r, ctl, negative(m, a.get()), m.i32.xor(negative(m, b.get()), c(m, op === 'sub' ? 1 : 0)))] : []),
      callRoundH16(m, r.get(), ctl.get()),
    ]);
  };
}

/**
 * fph_fma(n, m, a) = a + n·m, fused (FPMulAdd: the negations are applied by the caller); `step`:
 * fph_recps(n, m) = 2 - n·m and fph_rsqrts(n, m) = (3 - n·m) / 2, fused, 0 × ∞ giving 2 or 1.5
 * (FPRecipStepFused, FPRSqrtStepFused)
 */
const fma = (step?: 'recps' | 'rsqrts'): Factory => (m, name) => {
  const fn = new Fn(m, step ? [I32, I32] : [I32, I32, I32]), n = param(fn, 0), mm = param(fn, 1), f = m.f64;
  const a = step ? fn.local(I32) : param(fn, 2);
  const ctl = fn.local(I32), p = fn.local(F64), z = fn.local(F64), s = fn.local(F64), bb = fn.local(F64), e = fn.local(F64);
  const kind = (x: Var, bits: number) => m.i32.eq(m.i32.and(x.get(), c(m, 0x7fff)), c(m, bits));
  const infZero = () => m.i32.or(m.i32.and(kind(n, INF), kind(mm, 0)), m.i32.and(kind(n, 0), kind(mm, INF)));
  fn.add(name, I32, [
    ...(step ? [a.set(c(m, step === 'recps' ? 0x4000 : 0x4200)), n.set(m.i32.xor(n.get(), c(m, SIGN)))] : []),
    ctl.set(loadFpcr(m)), flush16(m, n, ctl), flush16(m, mm, ctl), flush16(m, a, ctl),
    // a quiet NaN addend does not hide the invalid 0 × ∞
    step ? m.nop() : m.if(m.i32.and(isQNaN(m, a.get), infZero()), m.block(null, [raise(m, c(m, IOC)), m.return(c(m, DNAN))])),
    processNaNs(m, [a, n, mm], ctl),
    step ? m.if(infZero(), m.return(c(m, step === 'recps' ? 0x4000 : 0x3e00))) : m.nop(),
    p.set(f.mul(toD(m, n.get()), toD(m, mm.get()))), // exact
    z.set(toD(m, a.get())),
    s.set(f.add(p.get(), z.get())),
    invalid(m, s), exactInf(m, s),
    // TwoSum: the exact error of s, then s rounded to odd
    bb.set(f.sub(s.get(), p.get())),
    e.set(f.add(f.sub(p.get(), f.sub(s.get(), bb.get())), f.sub(z.get(), bb.get()))),
    s.set(f.reinterpret(toOdd(m, s.get, e.get))),
    zeroSign(m, s, ctl, m.i64.lt_s(m.i64.reinterpret(p.get()), L(m, 0)), negative(m, a.get())),
    callRoundH16(m, step === 'rsqrts' ? f.mul(s.get(), f.const(0.5)) : s.get(), ctl.get()), // halving is exact
  ]);
};

const sqrt: Factory = (m, name) => {
  const fn = new Fn(m, [I32]), a = param(fn, 0), ctl = fn.local(I32), r = fn.local(F64);
  fn.add(name, I32, [
    ...prologue(m, ctl, [a]),
    r.set(m.f64.sqrt(toD(m, a.get()))), // NaN for a negative operand: invalid
    invalid(m, r), exactInf(m, r),
    callRoundH16(m, r.get(), ctl.get()),
  ]);
};

/** fph_minmax(a, b, op): FMAX (0), FMIN (1), FMAXNM (2), FMINNM (3) */
const minMax: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32, I32]), a = param(fn, 0), b = param(fn, 1), op = () => fn.p(2), i32 = m.i32;
  const ctl = fn.local(I32), x = fn.local(F64), y = fn.local(F64);
  // FPMaxNum/FPMinNum: a quiet NaN against a non-NaN becomes the infinity that loses
  const loser = () => m.select(i32.and(op(), c(m, 1)), c(m, INF), c(m, SIGN | INF));
  const num = (p: Var, q: Var) => m.if(i32.and(i32.ge_u(op(), c(m, 2)), i32.and(isQNaN(m, p.get), i32.eqz(isQNaN(m, q.get)))), p.set(loser()));
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, a, ctl), flush16(m, b, ctl),
    num(a, b), num(b, a),
    processNaNs(m, [a, b], ctl),
    x.set(toD(m, a.get())), y.set(toD(m, b.get())),
    fromD(m, m.if(i32.and(op(), c(m, 1)), m.f64.min(x.get(), y.get()), m.f64.max(x.get(), y.get()))),
  ]);
};

/** fph_rint(a, rmode): FRINT{N,P,M,Z,A} (0..4), FRINTX (6, IXC when inexact), FRINTI (7); X and I round by FPCR */
const rint: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32]), a = param(fn, 0), rm = () => fn.p(1), i32 = m.i32;
  const ctl = fn.local(I32), v = fn.local(F64), r = fn.local(F64), mode = fn.local(I32);
  fn.add(name, I32, [
    ...prologue(m, ctl, [a]),
    mode.set(m.select(i32.ge_u(rm(), c(m, 6)), modeOf(m, ctl.get()), rm())),
    v.set(toD(m, a.get())),
    roundBy(m, mode, v, r), // an integral half is a half again
    raiseIf(m, i32.and(i32.eq(rm(), c(m, 6)), m.f64.ne(r.get(), v.get())), IXC),
    fromD(m, r.get()),
  ]);
};

/** fph_cmpin(x, E): an FCMP/FCCMP operand, flushed by FZ16; IOC for a signalling NaN, or any NaN when E (FCMPE) */
const cmpIn: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32]), x = param(fn, 0), ctl = fn.local(I32);
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, x, ctl),
    raiseIf(m, m.i32.and(isNaN(m, x.get()), m.i32.or(fn.p(1), isSNaN(m, x.get))), IOC),
    x.get(),
  ]);
};

/** fph_flush(x): an operand flushed by FZ16 (FCVT{N,P,M,Z,A}{S,U} from H: FPToFixed unpacks with FZ16) */
const flushOnly: Factory = (m, name) => {
  const fn = new Fn(m, [I32]), x = param(fn, 0), ctl = fn.local(I32);
  fn.add(name, I32, [ctl.set(loadFpcr(m)), flush16(m, x, ctl), x.get()]);
};

/** fph_i2h(x, type): SCVTF/UCVTF Hd, Wn/Xn, #fbits (type: bit 0 unsigned, bits 8.. fbits); x is rounded to odd first */
const intToHalf: Factory = (m, name) => {
  const fn = new Fn(m, [I64, I32]), x = () => fn.p(0), ty = () => fn.p(1), f = m.f64, i = m.i64, i32 = m.i32;
  const hi = fn.local(F64), lo = fn.local(F64), s = fn.local(F64), e = fn.local(F64);
  const U = () => i32.and(ty(), c(m, 1));
  fn.add(name, I32, [
    // both halves exact; their sum rounded to odd keeps what rounding to half needs
    hi.set(f.mul(m.if(U(), f.convert_u.i64(i.shr_u(x(), L(m, 32))), f.convert_s.i64(i.shr_s(x(), L(m, 32)))), f.const(2 ** 32))),
    lo.set(f.convert_u.i64(i.and(x(), L(m, 0xffffffff)))),
    s.set(f.add(hi.get(), lo.get())),
    e.set(f.sub(lo.get(), f.sub(s.get(), hi.get()))), // exact: |hi| ≥ |lo| or hi = 0
    s.set(f.reinterpret(toOdd(m, s.get, e.get))),
    // 2^-fbits: exact (fbits ≤ 64)
    s.set(f.mul(s.get(), f.reinterpret(i.shl(i.extend_u(i32.sub(c(m, 1023), i32.shr_u(ty(), c(m, 8)))), L(m, 52))))),
    callRoundH16(m, s.get(), loadFpcr(m)),
  ]);
};

/** fph_mulx(a, b): FMULX, FMUL except that 0 × ∞ (after the FZ16 flush) is 2 with the sign of the product */
const mulx: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32]), a = param(fn, 0), b = param(fn, 1), ctl = fn.local(I32), i32 = m.i32;
  const is = (x: Var, bits: number) => i32.eq(i32.and(x.get(), c(m, SIGN - 1)), c(m, bits));
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, a, ctl), flush16(m, b, ctl),
    m.if(i32.or(i32.and(is(a, 0), is(b, INF)), i32.and(is(a, INF), is(b, 0))),
      m.return(i32.or(i32.and(i32.xor(a.get(), b.get()), c(m, SIGN)), c(m, 0x4000)))),
    m.call(dep16(m, 'fph_mul'), [a.get(), b.get()], I32),
  ]);
};

/**
 * fph_cmp(a, b, op) → 0xffff when it holds, else 0: EQ (0), GE (1), GT (2), and on the absolute
 * values GE (3), GT (4). Operands flushed by FZ16; EQ is a quiet compare (IOC for a signalling
 * NaN only), the others signal on any NaN (FPCompareGE/GT).
 */
const compare: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32, I32]), a = param(fn, 0), b = param(fn, 1), op = () => fn.p(2), i32 = m.i32, f = m.f64;
  const ctl = fn.local(I32), x = fn.local(F64), y = fn.local(F64);
  const either = (p: (v: Var) => Expr) => i32.or(p(a), p(b));
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, a, ctl), flush16(m, b, ctl),
    raiseIf(m, i32.or(either((v) => isSNaN(m, v.get)), i32.and(i32.ne(op(), c(m, 0)), either((v) => isNaN(m, v.get())))), IOC),
    m.if(i32.ge_u(op(), c(m, 3)), m.block(null, [a.set(i32.and(a.get(), c(m, SIGN - 1))), b.set(i32.and(b.get(), c(m, SIGN - 1)))])),
    x.set(toD(m, a.get())), y.set(toD(m, b.get())),
    i32.mul(c(m, 0xffff), m.if(i32.eqz(op()), f.eq(x.get(), y.get()),
      m.if(i32.eqz(i32.and(op(), c(m, 1))), f.gt(x.get(), y.get()), f.ge(x.get(), y.get())))),
  ]);
};

/**
 * fph_f2i(a, rmode, type) → a 16-bit integer (in the low bits): FCVT{N,P,M,Z,A}{S,U} and
 * FCVTZS/FCVTZU #fbits on half-precision lanes (type: bit 0 unsigned, bits 8.. fbits). FPToFixed:
 * IOC and saturation for NaN (0) or out of range, else IXC when not integral.
 */
const toInt16: Factory = (m, name) => {
  const fn = new Fn(m, [I32, I32, I32]), a = param(fn, 0), ty = () => fn.p(2), i32 = m.i32, f = m.f64;
  const ctl = fn.local(I32), v = fn.local(F64), r = fn.local(F64), mode = fn.local(I32), lo = fn.local(F64), hi = fn.local(F64);
  const unsigned = () => i32.and(ty(), c(m, 1));
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, a, ctl),
    m.if(isNaN(m, a.get()), m.block(null, [raise(m, c(m, IOC)), m.return(c(m, 0))])),
    // 2^fbits (fbits ≤ 16): the scaling is exact
    v.set(f.mul(toD(m, a.get()), f.reinterpret(m.i64.shl(m.i64.extend_u(i32.add(i32.shr_u(ty(), c(m, 8)), c(m, 1023))), L(m, 52))))),
    mode.set(fn.p(1)),
    roundBy(m, mode, v, r),
    lo.set(m.select(unsigned(), f.const(0), f.const(-32768))), hi.set(m.select(unsigned(), f.const(65535), f.const(32767))),
    m.if(i32.or(f.lt(r.get(), lo.get()), f.gt(r.get(), hi.get())), raise(m, c(m, IOC)), raiseIf(m, f.ne(r.get(), v.get()), IXC)),
    i32.and(i32.trunc_s.f64(f.min(f.max(r.get(), lo.get()), hi.get())), c(m, 0xffff)),
  ]);
};

/**
 * fph_widen(a) → the bits of a single: a half widened as FMLAL/FMLSL read their operands: flushed by
 * FZ16 (no flag), otherwise exact, a NaN keeping its payload and staying signalling (qemu converts
 * by bits, so that the multiply-add sees the signalling NaN)
 */
const widen: Factory = (m, name) => {
  const fn = new Fn(m, [I32]), a = param(fn, 0), ctl = fn.local(I32), i32 = m.i32;
  fn.add(name, I32, [
    ctl.set(loadFpcr(m)), flush16(m, a, ctl),
    m.if(isNaN(m, a.get()), m.return(i32.or(i32.or(i32.shl(i32.and(a.get(), c(m, SIGN)), c(m, 16)), c(m, 0x7f800000)),
      i32.shl(i32.and(a.get(), c(m, 0x3ff)), c(m, 13))))),
    i32.reinterpret(m.call(depFp(m, 'fp_h2s'), [a.get()], ir.f32)),
  ]);
};

/** a helper of this file called by another one */
function dep16(m: M, key: string): string {
  const id = helperId(key);
  if (!m.getFunction(id)) fp16Helpers[key]!(m, id);
  return id;
}

export const fp16Helpers: Record<string, Factory> = {
  fph_add: arith('add'), fph_sub: arith('sub'), fph_mul: arith('mul'), fph_div: arith('div'), fph_mulx: mulx,
  fph_fma: fma(), fph_recps: fma('recps'), fph_rsqrts: fma('rsqrts'), fph_sqrt: sqrt, fph_minmax: minMax, fph_rint: rint, fph_cmpin: cmpIn, fph_flush: flushOnly, fph_i2h: intToHalf,
  fph_cmp: compare, fph_f2i: toInt16, fph_widen: widen,
};
