// Scalar floating-point building blocks for the A64 FP table (table/fp.ts):
//  - views of the SIMD&FP registers as S/D/H scalars (a scalar write zeroes the rest of Vn),
//  - the AArch64 NaN rules (FPCR.DN = 0) applied after a Wasm float op produced a NaN,
//  - Wasm helper functions (registered in fp-helpers.ts): the NaN rules, FCVT of NaNs, FJCVTZS;
//    half precision is in fp-half.ts, the fused multiply-add in fp-fma.ts.
//
// Wasm leaves the sign and payload of a NaN *result* unspecified (x86 engines produce a
// negative default NaN), while it preserves the bits of values that are only moved, abs'ed,
// neg'ed or reinterpreted. So every arithmetic op is emitted as the plain Wasm instruction
// plus an `r != r` check; only when the result is a NaN is a helper called to compute the
// NaN AArch64 returns: the first signalling NaN operand quietened, else the first quiet NaN
// operand, else the positive default NaN (0x7fc00000 / 0x7ff8000000000000).
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { tmp } from './ops.ts';
import { VREG } from './regs.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;
type T = ir.Type;
type F64Ops = ir.Module['f64'];
type I64Ops = ir.Module['i64'];

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
export const fo = (m: ir.Module, k: FPKind): F64Ops => (k.bits === 64 ? m.f64 : (m.f32 as unknown as F64Ops));
/** i32/i64 ops of the kind's integer twin */
export const io = (m: ir.Module, k: FPKind): I64Ops => (k.bits === 64 ? m.i64 : (m.i32 as unknown as I64Ops));
/** integer constant of the kind's width (bit pattern) */
export const ic = (m: ir.Module, k: FPKind, v: bigint): Expr =>
  k.bits === 64 ? m.i64.const(BigInt.asIntN(64, v)) : m.i32.const(Number(BigInt.asIntN(32, v)));
export const toBits = (m: ir.Module, k: FPKind, v: Expr): Expr => io(m, k).reinterpret(v);
export const fromBits = (m: ir.Module, k: FPKind, v: Expr): Expr => fo(m, k).reinterpret(v);

export const L = (m: ir.Module, v: bigint | number): Expr => ir.i64Const(m, v);

// ---------------------------------------------------------------------------------------------
// Register views

const zeroV = (m: ir.Module) => m.v128.const(new Array<number>(16).fill(0));

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
  constructor(readonly m: ir.Module, readonly params: T[]) {}
  p(i: number): Expr { return this.m.local.get(i, this.params[i]!); }
  local(t: T): Var {
    const idx = this.params.length + this.vars.length;
    this.vars.push(t);
    const m = this.m;
    return { get: () => m.local.get(idx, t), set: (v: Expr) => m.local.set(idx, v), tee: (v: Expr) => m.local.tee(idx, v, t) };
  }
  add(name: string, result: T, body: Expr[]): void {
    const m = this.m;
    m.addFunction(name, ir.createType(this.params), result, this.vars, m.block(null, body, result));
  }
}
export interface Var { get(): Expr; set(v: Expr): Expr; tee(v: Expr): Expr }

/** i32/i64 expressions over the bits of a kind */
export function bitOps(m: ir.Module, k: FPKind) {
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
  return (m: ir.Module, name: string) => {
    const fn = new Fn(m, [k.t]), o = bitOps(m, k), x = fn.local(k.it);
    fn.add(name, k.t, [
      x.set(toBits(m, k, fn.p(0))),
      fromBits(m, k, m.select(o.isNaN(x.get()), o.quiet(x.get()), o.c(k.dnan))),
    ]);
  };
}

/** fp_nan2: FPProcessNaNs(op1, op2): sNaN op1, sNaN op2, qNaN op1, qNaN op2, default NaN */
export function nan2(k: FPKind) {
  return (m: ir.Module, name: string) => {
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
  return (m: ir.Module, name: string) => {
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
export function nan3(k: FPKind) {
  return (m: ir.Module, name: string) => {
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
function cvtNaNSD(m: ir.Module, name: string): void {
  const fn = new Fn(m, [F32]), x = fn.local(I64);
  fn.add(name, F64, [
    x.set(m.i64.extend_u(m.i32.reinterpret(fn.p(0)))),
    m.f64.reinterpret(m.i64.or(m.i64.or(m.i64.shl(m.i64.and(x.get(), L(m, 0x80000000n)), L(m, 32)), L(m, 0x7ff8000000000000n)),
      m.i64.shl(m.i64.and(x.get(), L(m, 0x3fffff)), L(m, 29)))),
  ]);
}
function cvtNaNDS(m: ir.Module, name: string): void {
  const fn = new Fn(m, [F64]), x = fn.local(I64);
  fn.add(name, F32, [
    x.set(m.i64.reinterpret(fn.p(0))),
    m.f32.reinterpret(m.i32.wrap(m.i64.or(m.i64.or(m.i64.shr_u(m.i64.and(x.get(), L(m, 1n << 63n)), L(m, 32)), L(m, 0x7fc00000)),
      m.i64.and(m.i64.shr_u(x.get(), L(m, 29)), L(m, 0x3fffff))))),
  ]);
}

/**
 * fp_fjcvtzs(x) → i64: FJCVTZS, the JavaScript ToInt32: truncate, wrap modulo 2^32; bit 32 is
 * the Z flag (set when the conversion was exact and in range, and x is not -0).
 */
function fjcvtzs(m: ir.Module, name: string): void {
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

/** this file's helpers, by name (fp-helpers.ts gathers all of them) */
export const fpOpsHelpers: Record<string, (m: ir.Module, name: string) => void> = {
  fp_nan1_s: nan1(FS), fp_nan1_d: nan1(FD),
  fp_nan2_s: nan2(FS), fp_nan2_d: nan2(FD),
  fp_nanm_s: nanNum(FS), fp_nanm_d: nanNum(FD),
  fp_cvtnan_sd: cvtNaNSD, fp_cvtnan_ds: cvtNaNDS,
  fp_fjcvtzs: fjcvtzs,
};
