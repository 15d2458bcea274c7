// Scalar floating-point building blocks for the A64 FP table (table/fp.ts):
//  - views of the SIMD&FP registers as S/D/H scalars (a scalar write zeroes the rest of Vn),
//  - the AArch64 NaN rules (FPCR.DN = 0) applied after a Wasm float op produced a NaN,
//  - Wasm helper functions, registered in helpers.ts: an exact fused multiply-add for f64
//    and f32, half-precision conversions, FJCVTZS.
//
// Wasm leaves the sign and payload of a NaN *result* unspecified (x86 engines produce a
// negative default NaN), while it preserves the bits of values that are only moved, abs'ed,
// neg'ed or reinterpreted. So every arithmetic op is emitted as the plain Wasm instruction
// plus an `r != r` check; only when the result is a NaN is a helper called to compute the
// NaN AArch64 returns: the first signalling NaN operand quietened, else the first quiet NaN
// operand, else the positive default NaN (0x7fc00000 / 0x7ff8000000000000).
import binaryen from 'binaryen';
import type { Builder, Expr } from '../../lift/types.ts';
import { tmp } from './ops.ts';
import { VREG } from './regs.ts';

const I32 = binaryen.i32, I64 = binaryen.i64, F32 = binaryen.f32, F64 = binaryen.f64;
type T = binaryen.Type;
type F64Ops = binaryen.Module['f64'];
type I64Ops = binaryen.Module['i64'];

/** A scalar float format the arithmetic is done in (half precision is only converted). */
export interface FPKind {
  readonly bits: 32 | 64;
  /** Wasm float / same-size integer type */
  readonly t: T;
  readonly it: T;
  /** suffix of the per-format helpers */
  readonly sfx: 's' | 'd';
  readonly qbit: bigint;
  readonly dnan: bigint;
  readonly sign: bigint;
  readonly inf: bigint;
  readonly fracBits: number;
  readonly expBits: number;
}

export const FS: FPKind = { bits: 32, t: F32, it: I32, sfx: 's', qbit: 1n << 22n, dnan: 0x7fc00000n, sign: 1n << 31n, inf: 0x7f800000n, fracBits: 23, expBits: 8 };
export const FD: FPKind = { bits: 64, t: F64, it: I64, sfx: 'd', qbit: 1n << 51n, dnan: 0x7ff8000000000000n, sign: 1n << 63n, inf: 0x7ff0000000000000n, fracBits: 52, expBits: 11 };

/** f32/f64 ops of the kind (typed as the f64 namespace: the method names are the same) */
export const fo = (m: binaryen.Module, k: FPKind): F64Ops => (k.bits === 64 ? m.f64 : (m.f32 as unknown as F64Ops));
/** i32/i64 ops of the kind's integer twin */
export const io = (m: binaryen.Module, k: FPKind): I64Ops => (k.bits === 64 ? m.i64 : (m.i32 as unknown as I64Ops));
/** integer constant of the kind's width (bit pattern) */
export const ic = (m: binaryen.Module, k: FPKind, v: bigint): Expr =>
  k.bits === 64 ? m.i64.const(BigInt.asIntN(64, v)) : m.i32.const(Number(BigInt.asIntN(32, v)));
export const toBits = (m: binaryen.Module, k: FPKind, v: Expr): Expr => io(m, k).reinterpret(v);
export const fromBits = (m: binaryen.Module, k: FPKind, v: Expr): Expr => fo(m, k).reinterpret(v);

export const L = (m: binaryen.Module, v: bigint | number): Expr => m.i64.const(BigInt.asIntN(64, BigInt(v)));

// ---------------------------------------------------------------------------------------------
// Register views

const zeroV = (m: binaryen.Module) => m.v128.const(new Array<number>(16).fill(0));

export function readF(b: Builder, k: FPKind, n: number): Expr {
  const v = b.get(VREG + n);
  return k.bits === 64 ? b.m.f64x2.extract_lane(v, 0) : b.m.f32x4.extract_lane(v, 0);
}
/** writes Sn/Dn, zeroing bits above */
export function writeF(b: Builder, k: FPKind, n: number, v: Expr): void {
  const m = b.m;
  b.set(VREG + n, k.bits === 64 ? m.f64x2.replace_lane(zeroV(m), 0, v) : m.f32x4.replace_lane(zeroV(m), 0, v));
}
/** raw bits of the low 16/32/64 bits of Vn (i32 for H and S, i64 for D) */
export function readBits(b: Builder, size: 16 | 32 | 64, n: number): Expr {
  const m = b.m, v = b.get(VREG + n);
  if (size === 64) return m.i64x2.extract_lane(v, 0);
  if (size === 32) return m.i32x4.extract_lane(v, 0);
  return m.i16x8.extract_lane_u(v, 0);
}
/** writes raw bits to Hn/Sn/Dn (value i32 for H and S, i64 for D), zeroing bits above */
export function writeBits(b: Builder, size: 16 | 32 | 64, n: number, v: Expr): void {
  const m = b.m;
  if (size === 64) b.set(VREG + n, m.i64x2.replace_lane(zeroV(m), 0, v));
  else if (size === 32) b.set(VREG + n, m.i32x4.replace_lane(zeroV(m), 0, v));
  else b.set(VREG + n, m.i16x8.replace_lane(zeroV(m), 0, v));
}
/** sets Vn to the constant `bits` (a scalar's bit pattern), zero above */
export function writeConst(b: Builder, n: number, bits: bigint): void {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Number((bits >> BigInt(8 * i)) & 0xffn));
  b.set(VREG + n, b.m.v128.const(bytes));
}

// ---------------------------------------------------------------------------------------------
// Lifting-time helpers

export const callH = (b: Builder, name: string, args: Expr[], result: T): Expr => b.m.call(b.helper(name), args, result);

/** FPRoundInt with ties away from zero (FRINTA): trunc, then ±1 if the dropped fraction is ≥ 1/2 */
export function roundHalfAway(b: Builder, k: FPKind, x: () => Expr): Expr {
  const f = fo(b.m, k);
  const t = tmp(b, k.t, f.trunc(x()));
  const one = k.bits === 64 ? b.m.f64.const(1) : b.m.f32.const(1);
  const half = k.bits === 64 ? b.m.f64.const(0.5) : b.m.f32.const(0.5);
  // x - trunc(x) is exact; for ±inf it is NaN and the comparison is false
  return b.m.select(f.ge(f.abs(f.sub(x(), t())), half), f.add(t(), f.copysign(one, x())), t());
}

// ---------------------------------------------------------------------------------------------
// Wasm helper functions

/** A tiny function builder for helpers: numbered params, fresh locals. */
export class Fn {
  private readonly vars: T[] = [];
  constructor(readonly m: binaryen.Module, readonly params: T[]) {}
  p(i: number): Expr { return this.m.local.get(i, this.params[i]!); }
  local(t: T): Var {
    const idx = this.params.length + this.vars.length;
    this.vars.push(t);
    const m = this.m;
    return { get: () => m.local.get(idx, t), set: (v: Expr) => m.local.set(idx, v), tee: (v: Expr) => m.local.tee(idx, v, t) };
  }
  add(name: string, result: T, body: Expr[]): void {
    const m = this.m;
    m.addFunction(name, binaryen.createType(this.params), result, this.vars, m.block(null, body, result));
  }
}
export interface Var { get(): Expr; set(v: Expr): Expr; tee(v: Expr): Expr }

/** i32/i64 expressions over the bits of a kind */
export function bitOps(m: binaryen.Module, k: FPKind) {
  const i = io(m, k), c = (v: bigint) => ic(m, k, v);
  const abs = (x: Expr) => i.and(x, c(~k.sign));
  return {
    i, c,
    abs,
    isNaN: (x: Expr) => i.gt_u(abs(x), c(k.inf)),
    /** NaN with the quiet bit clear (x used twice: pass a getter) */
    isSNaN: (x: () => Expr) => m.i32.and(i.gt_u(abs(x()), c(k.inf)), i.eqz(i.and(x(), c(k.qbit)))),
    quiet: (x: Expr) => i.or(x, c(k.qbit)),
    isInf: (x: Expr) => i.eq(abs(x), c(k.inf)),
    isZero: (x: Expr) => i.eqz(abs(x)),
  };
}

/** fp_nan1: FPProcessNaN of a NaN operand, else (an invalid operation) the default NaN */
export function nan1(k: FPKind) {
  return (m: binaryen.Module, name: string) => {
    const fn = new Fn(m, [k.t]), o = bitOps(m, k), x = fn.local(k.it);
    fn.add(name, k.t, [
      x.set(toBits(m, k, fn.p(0))),
      fromBits(m, k, m.select(o.isNaN(x.get()), o.quiet(x.get()), o.c(k.dnan))),
    ]);
  };
}

/** fp_nan2: FPProcessNaNs(op1, op2): sNaN op1, sNaN op2, qNaN op1, qNaN op2, default NaN */
export function nan2(k: FPKind) {
  return (m: binaryen.Module, name: string) => {
    const fn = new Fn(m, [k.t, k.t]), o = bitOps(m, k), x = fn.local(k.it), y = fn.local(k.it);
    const ret = (v: Expr) => m.return(fromBits(m, k, v));
    fn.add(name, k.t, [
      x.set(toBits(m, k, fn.p(0))), y.set(toBits(m, k, fn.p(1))),
      m.if(o.isSNaN(x.get), ret(o.quiet(x.get()))),
      m.if(o.isSNaN(y.get), ret(o.quiet(y.get()))),
      m.if(o.isNaN(x.get()), ret(x.get())),
      m.if(o.isNaN(y.get()), ret(y.get())),
      fromBits(m, k, o.c(k.dnan)),
    ]);
  };
}

/**
 * fp_nanm: NaN result of FMAXNM/FMINNM (FPMaxNum/FPMinNum): a single quiet NaN operand is
 * replaced by the infinity that loses, so the other operand is the result; signalling NaNs
 * and two quiet NaNs follow FPProcessNaNs.
 */
function nanNum(k: FPKind) {
  return (m: binaryen.Module, name: string) => {
    const fn = new Fn(m, [k.t, k.t]), o = bitOps(m, k), x = fn.local(k.it), y = fn.local(k.it);
    const ret = (v: Expr) => m.return(fromBits(m, k, v));
    fn.add(name, k.t, [
      x.set(toBits(m, k, fn.p(0))), y.set(toBits(m, k, fn.p(1))),
      m.if(o.isSNaN(x.get), ret(o.quiet(x.get()))),
      m.if(o.isSNaN(y.get), ret(o.quiet(y.get()))),
      m.if(m.i32.eqz(o.isNaN(x.get())), ret(x.get())), // only y is a (quiet) NaN
      m.if(m.i32.eqz(o.isNaN(y.get())), ret(y.get())), // only x is
      fromBits(m, k, x.get()), // both quiet NaNs: the first
    ]);
  };
}

/**
 * fp_nan3: the NaN FPMulAdd(addend, op1, op2) returns: FPProcessNaNs3 in the order addend,
 * op1, op2 — except that a quiet-NaN addend with an ∞×0 product gives the default NaN.
 */
function nan3(k: FPKind) {
  return (m: binaryen.Module, name: string) => {
    const fn = new Fn(m, [k.t, k.t, k.t]), o = bitOps(m, k);
    const a = fn.local(k.it), x = fn.local(k.it), y = fn.local(k.it);
    const ret = (v: Expr) => m.return(fromBits(m, k, v));
    const infZero = m.i32.or(m.i32.and(o.isInf(x.get()), o.isZero(y.get())), m.i32.and(o.isZero(x.get()), o.isInf(y.get())));
    fn.add(name, k.t, [
      a.set(toBits(m, k, fn.p(0))), x.set(toBits(m, k, fn.p(1))), y.set(toBits(m, k, fn.p(2))),
      m.if(o.isSNaN(a.get), ret(o.quiet(a.get()))),
      m.if(o.isSNaN(x.get), ret(o.quiet(x.get()))),
      m.if(o.isSNaN(y.get), ret(o.quiet(y.get()))),
      m.if(o.isNaN(a.get()), ret(m.select(infZero, o.c(k.dnan), a.get()))),
      m.if(o.isNaN(x.get()), ret(x.get())),
      m.if(o.isNaN(y.get()), ret(y.get())),
      fromBits(m, k, o.c(k.dnan)),
    ]);
  };
}

/** FCVT of a NaN between single and double (FPConvertNaN: keep sign and top payload bits, set quiet) */
function cvtNaNSD(m: binaryen.Module, name: string): void {
  const fn = new Fn(m, [F32]), x = fn.local(I64);
  fn.add(name, F64, [
    x.set(m.i64.extend_u(m.i32.reinterpret(fn.p(0)))),
    m.f64.reinterpret(m.i64.or(m.i64.or(m.i64.shl(m.i64.and(x.get(), L(m, 0x80000000n)), L(m, 32)), L(m, 0x7ff8000000000000n)),
      m.i64.shl(m.i64.and(x.get(), L(m, 0x3fffff)), L(m, 29)))),
  ]);
}
function cvtNaNDS(m: binaryen.Module, name: string): void {
  const fn = new Fn(m, [F64]), x = fn.local(I64);
  fn.add(name, F32, [
    x.set(m.i64.reinterpret(fn.p(0))),
    m.f32.reinterpret(m.i32.wrap(m.i64.or(m.i64.or(m.i64.shr_u(m.i64.and(x.get(), L(m, 1n << 63n)), L(m, 32)), L(m, 0x7fc00000)),
      m.i64.and(m.i64.shr_u(x.get(), L(m, 29)), L(m, 0x3fffff))))),
  ]);
}

// ---- half precision ----

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
  return (m: binaryen.Module, name: string) => {
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
  return (m: binaryen.Module, name: string) => {
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

// ---- fused multiply-add ----

const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitting constant for binary64

/**
 * fp_fmadd_d(op1, op2, addend): FPMulAdd for doubles, op1·op2 + addend with a single rounding
 * (round to nearest even), and the AArch64 NaN rules.
 *
 * Fast path (all operands in a range where no intermediate overflows or underflows: |op1|,
 * |op2| in [2^-459, 2^461), addend 0 or |addend| in [2^-970, 2^1001)): the exact product
 * uh + ul (Veltkamp/Dekker), the exact sum th + tl = addend + uh (TwoSum), v = tl + ul
 * rounded to odd, result th + v rounded to nearest — correct by Boldo & Melquiond,
 * "Emulation of FMA and correctly-rounded sums: proved algorithms using rounding to odd"
 * (IEEE TC 2008), since nothing underflows: every quantity is a multiple of 2^-1022.
 * Zero, infinite or NaN operands need no rounding care (a plain multiply and add gives the
 * right value); everything else (huge or tiny operands, subnormals, results that overflow or
 * underflow) takes an exact integer path: 106-bit product, 128-bit aligned sum, one rounding.
 */
function fmaDouble(m: binaryen.Module, name: string): void {
  const slow = `${name}_exact`;
  fmaDoubleExact(m, slow);
  const fn = new Fn(m, [F64, F64, F64]);
  const f = m.f64, i = m.i64;
  const A = fn.local(I64), B = fn.local(I64), C = fn.local(I64);
  const ea = fn.local(I64), eb = fn.local(I64), ec = fn.local(I64), r = fn.local(F64);
  const t = fn.local(F64), ah = fn.local(F64), al = fn.local(F64), bh = fn.local(F64), bl = fn.local(F64);
  const uh = fn.local(F64), ul = fn.local(F64), th = fn.local(F64), tl = fn.local(F64), z = fn.local(F64);
  const s = fn.local(F64), e = fn.local(F64), S = fn.local(I64);
  const a = () => fn.p(0), b = () => fn.p(1), c = () => fn.p(2);
  const expOf = (v: Expr) => i.and(i.shr_u(v, L(m, 52)), L(m, 0x7ff));
  const inRange = (v: Var, lo: number, n: number) => i.lt_u(i.sub(v.get(), L(m, lo)), L(m, n));
  const trivial = (X: Var, E: Var) => m.i32.or(i.eqz(i.shl(X.get(), L(m, 1))), i.eq(E.get(), L(m, 0x7ff)));
  const split = (x: () => Expr, hi: Var, lo: Var) => [
    t.set(f.mul(x(), f.const(SPLIT))),
    hi.set(f.sub(t.get(), f.sub(t.get(), x()))),
    lo.set(f.sub(x(), hi.get())),
  ];
  const fast = [
    ...split(a, ah, al), ...split(b, bh, bl),
    uh.set(f.mul(a(), b())),
    ul.set(f.add(f.add(f.add(f.sub(f.mul(ah.get(), bh.get()), uh.get()), f.mul(ah.get(), bl.get())), f.mul(al.get(), bh.get())), f.mul(al.get(), bl.get()))),
    // TwoSum(c, uh)
    th.set(f.add(c(), uh.get())),
    z.set(f.sub(th.get(), c())),
    tl.set(f.add(f.sub(c(), f.sub(th.get(), z.get())), f.sub(uh.get(), z.get()))),
    // tl + ul rounded to odd: round to nearest, then if inexact and even step towards the error
    s.set(f.add(tl.get(), ul.get())),
    z.set(f.sub(s.get(), tl.get())),
    e.set(f.add(f.sub(tl.get(), f.sub(s.get(), z.get())), f.sub(ul.get(), z.get()))),
    S.set(i.reinterpret(s.get())),
    m.if(m.i32.and(f.ne(e.get(), f.const(0)), i.eqz(i.and(S.get(), L(m, 1)))),
      S.set(i.add(S.get(), i.or(i.shr_s(i.xor(S.get(), i.reinterpret(e.get())), L(m, 63)), L(m, 1))))),
    r.set(f.add(th.get(), f.reinterpret(S.get()))),
  ];
  fn.add(name, F64, [
    ...hardwareFirst(m, 'fma64', r, [a, b, c]),
    A.set(i.reinterpret(a())), B.set(i.reinterpret(b())), C.set(i.reinterpret(c())),
    ea.set(expOf(A.get())), eb.set(expOf(B.get())), ec.set(expOf(C.get())),
    m.if(m.i32.and(m.i32.and(inRange(ea, 564, 920), inRange(eb, 564, 920)), m.i32.or(inRange(ec, 53, 1971), i.eqz(i.shl(C.get(), L(m, 1))))),
      m.block(null, fast),
      m.if(m.i32.or(trivial(A, ea), trivial(B, eb)),
        r.set(f.add(f.mul(a(), b()), c())), // op1 or op2 is 0, ∞ or NaN: the product is exact
        m.if(i.eq(ec.get(), L(m, 0x7ff)),
          r.set(c()), // finite product + ∞/NaN
          r.set(m.call(slow, [a(), b(), c()], F64))))),
    m.if(f.ne(r.get(), r.get()), r.set(m.call(`${name}_nan`, [c(), a(), b()], F64))),
    r.get(),
  ]);
  nan3(FD)(m, `${name}_nan`);
}

/**
 * When the runtime found a fused multiply-add in the engine (module global `hwfma`, import
 * `fma64`/`fma32`, see src/runtime/fma.ts), use it and return unless the result is a NaN, whose
 * AArch64 payload the software path below works out. Modules without that import (unit-test
 * harnesses) get the software path only.
 */
function hardwareFirst(m: binaryen.Module, fma: string, r: Var, args: (() => Expr)[]): Expr[] {
  if (!m.getGlobal('hwfma')) return [];
  const t = binaryen.getExpressionType(args[0]!());
  const eq = t === F64 ? m.f64.eq : m.f32.eq;
  return [m.if(m.global.get('hwfma', binaryen.i32), m.block(null, [
    r.set(m.call(fma, args.map((a) => a()), t)),
    m.if(eq(r.get(), r.get()), m.return(r.get())),
  ]))];
}

/**
 * Exact op1·op2 + addend for finite op1, op2 ≠ 0 and finite addend, with integer arithmetic:
 * the 106-bit product and the addend are placed in 128-bit fixed point with their leading bit
 * at bit 125, the one with the smaller exponent is shifted right (bits shifted out are kept as
 * round-to-odd, which is harmless as then the result has ≥ 124 significant bits), added or
 * subtracted, then rounded once to nearest even (subnormal results included).
 */
function fmaDoubleExact(m: binaryen.Module, name: string): void {
  const fn = new Fn(m, [F64, F64, F64]), i = m.i64;
  const v = () => fn.local(I64);
  const { body, sign, W, eW } = fmaExactCore(fn, m.return(m.f64.const(0))); // exact zero: +0 when rounding to nearest
  const q = v(), rem = v(), half = v(), E = v(), sh = v();
  const c = (x: bigint | number) => L(m, x);
  const ret = (bits: Expr) => m.return(m.f64.reinterpret(bits));
  fn.add(name, F64, [
    ...body,
    E.set(i.add(eW.get(), c(62))),
    sign.set(i.shl(sign.get(), c(63))),
    m.if(i.gt_s(E.get(), c(1023)), ret(i.or(sign.get(), c(0x7ff0000000000000n)))),
    // keep 53 bits, or fewer when the result is subnormal (its last bit is 2^-1074)
    sh.set(m.select(i.gt_s(i.sub(c(-1074), eW.get()), c(10)), i.sub(c(-1074), eW.get()), c(10))),
    m.if(i.ge_u(sh.get(), c(64)), ret(sign.get())),
    q.set(i.shr_u(W.get(), sh.get())),
    rem.set(i.and(W.get(), i.sub(i.shl(c(1), sh.get()), c(1)))),
    half.set(i.shl(c(1), i.sub(sh.get(), c(1)))),
    q.set(i.add(q.get(), i.extend_u(m.i32.or(i.gt_u(rem.get(), half.get()),
      m.i32.and(i.eq(rem.get(), half.get()), m.i32.wrap(i.and(q.get(), c(1)))))))),
    // normal: q holds the implicit bit, added onto (biased exponent - 1) << 52 (a carry bumps the
    // exponent, up to ∞); subnormal: exponent field 0 (a carry makes it the smallest normal)
    m.f64.reinterpret(i.or(sign.get(), i.add(q.get(), m.select(i.eq(sh.get(), c(10)), i.shl(i.add(E.get(), c(1022)), c(52)), c(0))))),
  ]);
}

/**
 * The exact part of fp_fmadd_d's slow path, shared with the FPCR-honouring FMA (fp-strict-fma.ts):
 * statements leaving op1·op2 + addend (params 0, 1, 2 of `fn`: finite, op1, op2 ≠ 0) as
 * (-1)^sign · W · 2^eW, W with its leading one at bit 62 and a sticky bit 0 (sign is 0 or 1);
 * `onZero` (which must return) runs when the sum is exactly zero.
 */
export function fmaExactCore(fn: Fn, onZero: Expr): { body: Expr[]; sign: Var; W: Var; eW: Var } {
  const m = fn.m, i = m.i64;
  const v = () => fn.local(I64);
  const A = v(), B = v(), C = v(), sp = v(), sc = v(), ea = v(), eb = v(), ec = v(), ma = v(), mb = v(), mc = v();
  const ll = v(), mid = v(), ph = v(), pl = v(), ep = v(), sh = v(), ch = v(), cl = v(), ecn = v();
  const xh = v(), xl = v(), yh = v(), yl = v(), eX = v(), sX = v(), sY = v(), d = v(), lost = v();
  const th = v(), tl = v(), sign = v(), msb = v(), W = v(), eW = v();
  const c = (x: bigint | number) => L(m, x);
  const clz128 = (hi: Var, lo: Var) => m.select(i.ne(hi.get(), c(0)), i.clz(hi.get()), i.add(c(64), i.clz(lo.get())));
  const unpack = (X: Var, e: Var, mt: Var, p: number) => [
    X.set(i.reinterpret(fn.p(p))),
    e.set(i.and(i.shr_u(X.get(), c(52)), c(0x7ff))),
    mt.set(i.and(X.get(), c((1n << 52n) - 1n))),
    m.if(i.eqz(e.get()), e.set(c(1)), mt.set(i.or(mt.get(), c(1n << 52n)))),
  ];
  const lo32 = (x: Var) => i.and(x.get(), c(0xffffffff));
  const hi32 = (x: Var) => i.shr_u(x.get(), c(32));
  const pick = (cond: Expr, dst: Var[], src1: Var[], src2: Var[]) =>
    m.if(cond, m.block(null, dst.map((x, k) => x.set(src1[k]!.get()))), m.block(null, dst.map((x, k) => x.set(src2[k]!.get()))));
  const body = [
    ...unpack(A, ea, ma, 0), ...unpack(B, eb, mb, 1), ...unpack(C, ec, mc, 2),
    sp.set(i.shr_u(i.xor(A.get(), B.get()), c(63))),
    sc.set(i.shr_u(C.get(), c(63))),
    // 53×53-bit product from 32-bit limbs (the high limbs have ≤ 21 bits, so `mid` < 2^54)
    ll.set(i.mul(lo32(ma), lo32(mb))),
    mid.set(i.add(i.mul(hi32(ma), lo32(mb)), i.mul(lo32(ma), hi32(mb)))),
    pl.set(i.add(ll.get(), i.shl(mid.get(), c(32)))),
    ph.set(i.add(i.add(i.mul(hi32(ma), hi32(mb)), i.shr_u(mid.get(), c(32))), i.extend_u(i.lt_u(pl.get(), ll.get())))),
    // value = (ph:pl) · 2^ep; normalise the leading one to bit 125 (shift 20..125)
    sh.set(i.sub(clz128(ph, pl), c(2))),
    ep.set(i.sub(i.sub(i.add(ea.get(), eb.get()), c(2150)), sh.get())),
    m.if(i.ge_u(sh.get(), c(64)),
      m.block(null, [ph.set(i.shl(pl.get(), i.sub(sh.get(), c(64)))), pl.set(c(0))]),
      m.block(null, [ph.set(i.or(i.shl(ph.get(), sh.get()), i.shr_u(pl.get(), i.sub(c(64), sh.get())))), pl.set(i.shl(pl.get(), sh.get()))])),
    // addend likewise (its leading one lands in the high word); zero gets an exponent far below
    m.if(i.eqz(mc.get()),
      m.block(null, [ch.set(c(0)), cl.set(c(0)), ecn.set(c(-100000))]),
      m.block(null, [
        sh.set(i.clz(mc.get())),
        ch.set(i.shl(mc.get(), i.sub(sh.get(), c(2)))), cl.set(c(0)),
        ecn.set(i.sub(i.sub(ec.get(), c(1075 + 62)), sh.get())),
      ])),
    // X: the operand with the larger exponent, Y shifted right by d to align
    pick(i.ge_s(ep.get(), ecn.get()), [xh, xl, eX, sX, yh, yl, sY], [ph, pl, ep, sp, ch, cl, sc], [ch, cl, ecn, sc, ph, pl, sp]),
    d.set(m.select(i.ge_s(ep.get(), ecn.get()), i.sub(ep.get(), ecn.get()), i.sub(ecn.get(), ep.get()))),
    lost.set(c(0)),
    m.if(i.ge_u(d.get(), c(128)),
      m.block(null, [lost.set(i.extend_u(i.ne(i.or(yh.get(), yl.get()), c(0)))), yh.set(c(0)), yl.set(c(0))]),
      m.if(i.ge_u(d.get(), c(64)),
        m.block(null, [
          lost.set(i.extend_u(m.i32.or(i.ne(yl.get(), c(0)), m.i32.and(i.gt_u(d.get(), c(64)), i.ne(i.shl(yh.get(), i.sub(c(128), d.get())), c(0)))))),
          yl.set(i.shr_u(yh.get(), i.sub(d.get(), c(64)))), yh.set(c(0)),
        ]),
        m.if(i.ne(d.get(), c(0)), m.block(null, [
          lost.set(i.extend_u(i.ne(i.shl(yl.get(), i.sub(c(64), d.get())), c(0)))),
          yl.set(i.or(i.shr_u(yl.get(), d.get()), i.shl(yh.get(), i.sub(c(64), d.get())))),
          yh.set(i.shr_u(yh.get(), d.get())),
        ])))),
    m.if(i.eq(sX.get(), sY.get()),
      m.block(null, [
        tl.set(i.add(xl.get(), yl.get())),
        th.set(i.add(i.add(xh.get(), yh.get()), i.extend_u(i.lt_u(tl.get(), xl.get())))),
        tl.set(i.or(tl.get(), lost.get())), // round to odd: the exact sum lies in (T, T+1)
        sign.set(sX.get()),
      ]),
      m.block(null, [
        m.if(m.i32.or(i.gt_u(xh.get(), yh.get()), m.i32.and(i.eq(xh.get(), yh.get()), i.ge_u(xl.get(), yl.get()))),
          m.block(null, [
            th.set(i.sub(i.sub(xh.get(), yh.get()), i.extend_u(i.lt_u(xl.get(), yl.get())))),
            tl.set(i.sub(xl.get(), yl.get())), sign.set(sX.get()),
          ]),
          m.block(null, [
            th.set(i.sub(i.sub(yh.get(), xh.get()), i.extend_u(i.lt_u(yl.get(), xl.get())))),
            tl.set(i.sub(yl.get(), xl.get())), sign.set(sY.get()),
          ])),
        // the exact difference lies in (T-1, T): round to odd
        m.if(m.i32.and(i.ne(lost.get(), c(0)), i.eqz(i.and(tl.get(), c(1)))), m.block(null, [
          th.set(i.sub(th.get(), i.extend_u(i.eqz(tl.get())))), tl.set(i.sub(tl.get(), c(1))),
        ])),
        m.if(i.eqz(i.or(th.get(), tl.get())), onZero),
      ])),
    // squeeze into 64 bits W with the leading one at bit 62 (sticky bits jammed into bit 0)
    msb.set(i.sub(c(127), clz128(th, tl))),
    m.if(i.ge_s(msb.get(), c(62)),
      m.block(null, [
        d.set(i.sub(msb.get(), c(62))),
        m.if(i.eqz(d.get()), W.set(tl.get()),
          m.if(i.eq(d.get(), c(64)),
            W.set(i.or(th.get(), i.extend_u(i.ne(tl.get(), c(0))))),
            W.set(i.or(i.or(i.shr_u(tl.get(), d.get()), i.shl(th.get(), i.sub(c(64), d.get()))),
              i.extend_u(i.ne(i.shl(tl.get(), i.sub(c(64), d.get())), c(0))))))),
      ]),
      W.set(i.shl(tl.get(), i.sub(c(62), msb.get())))),
    eW.set(i.sub(i.add(eX.get(), msb.get()), c(62))),
  ];
  return { body, sign, W, eW };
}

/**
 * fp_fmadd_s(op1, op2, addend): single-precision FPMulAdd. The product of two floats is exact
 * in double; the double sum is rounded to odd (TwoSum error decides the last bit), then
 * rounded to single: with 53 ≥ 24 + 2 bits that double rounding equals one rounding.
 */
function fmaSingle(m: binaryen.Module, name: string): void {
  const fn = new Fn(m, [F32, F32, F32]), f = m.f64, i = m.i64;
  const p = fn.local(F64), c = fn.local(F64), s = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
  const S = fn.local(I64), r = fn.local(F32);
  fn.add(name, F32, [
    ...hardwareFirst(m, 'fma32', r, [() => fn.p(0), () => fn.p(1), () => fn.p(2)]),
    p.set(f.mul(f.promote(fn.p(0)), f.promote(fn.p(1)))),
    c.set(f.promote(fn.p(2))),
    s.set(f.add(p.get(), c.get())),
    z.set(f.sub(s.get(), p.get())),
    e.set(f.add(f.sub(p.get(), f.sub(s.get(), z.get())), f.sub(c.get(), z.get()))),
    S.set(i.reinterpret(s.get())),
    // |e| > 0 is false for NaN (∞ operands): then s is already the answer
    m.if(m.i32.and(f.gt(f.abs(e.get()), f.const(0)), i.eqz(i.and(S.get(), L(m, 1)))),
      S.set(i.add(S.get(), i.or(i.shr_s(i.xor(S.get(), i.reinterpret(e.get())), L(m, 63)), L(m, 1))))),
    r.set(m.f32.demote(f.reinterpret(S.get()))),
    m.if(m.f32.ne(r.get(), r.get()), r.set(m.call(`${name}_nan`, [fn.p(2), fn.p(0), fn.p(1)], F32))),
    r.get(),
  ]);
  nan3(FS)(m, `${name}_nan`);
}

/**
 * fp_fjcvtzs(x) → i64: FJCVTZS, the JavaScript ToInt32: truncate, wrap modulo 2^32; bit 32 is
 * the Z flag (set when the conversion was exact and in range, and x is not -0).
 */
function fjcvtzs(m: binaryen.Module, name: string): void {
  const fn = new Fn(m, [F64]), i = m.i64, f = m.f64;
  const X = fn.local(I64), e = fn.local(I64), t = fn.local(F64), v = fn.local(I64), lo = fn.local(I64);
  const c = (x: bigint | number) => L(m, x);
  fn.add(name, I64, [
    X.set(i.reinterpret(fn.p(0))),
    e.set(i.and(i.shr_u(X.get(), c(52)), c(0x7ff))),
    m.if(i.eq(e.get(), c(0x7ff)), m.return(c(0))),
    m.if(i.lt_u(e.get(), c(1023 + 63)), m.block(null, [
      t.set(f.trunc(fn.p(0))),
      v.set(i.trunc_s.f64(t.get())),
      m.return(i.or(i.and(v.get(), c(0xffffffff)), i.shl(i.extend_u(m.i32.and(m.i32.and(f.eq(t.get(), fn.p(0)),
        i.eq(v.get(), i.extend32_s(v.get()))),
        m.i32.eqz(i.eq(X.get(), c(1n << 63n))))), c(32)))),
    ])),
    // |x| ≥ 2^63: an integer; its low 32 bits are the mantissa shifted left by e - 1075 ≥ 11
    lo.set(m.select(i.lt_u(e.get(), c(1075 + 64)), i.shl(i.or(i.and(X.get(), c((1n << 52n) - 1n)), c(1n << 52n)), i.sub(e.get(), c(1075))), c(0))),
    i.and(m.select(i.lt_s(X.get(), c(0)), i.sub(c(0), lo.get()), lo.get()), c(0xffffffff)),
  ]);
}

/** helper name → factory; spread into helpers.ts */
export const fpHelpers: Record<string, (m: binaryen.Module, name: string) => void> = {
  fp_nan1_s: nan1(FS), fp_nan1_d: nan1(FD),
  fp_nan2_s: nan2(FS), fp_nan2_d: nan2(FD),
  fp_nanm_s: nanNum(FS), fp_nanm_d: nanNum(FD),
  fp_cvtnan_sd: cvtNaNSD, fp_cvtnan_ds: cvtNaNDS,
  fp_s2h: toHalf(FS), fp_d2h: toHalf(FD),
  fp_h2s: fromHalf(FS), fp_h2d: fromHalf(FD),
  fp_fmadd_s: fmaSingle, fp_fmadd_d: fmaDouble,
  fp_fjcvtzs: fjcvtzs,
};
