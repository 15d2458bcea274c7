// BFDotAdd, the step of BFDOT and BFMMLA (FEAT_BF16), as a Wasm helper: addend + a1·b1 + a2·b2 for
// a single-precision addend and pairs of BFloat16 (the top halves of singles). As the Arm ARM
// defines it without FEAT_EBF16, and as qemu-aarch64 (the reference) computes it, FPCR is ignored
// and FPSR untouched: subnormal operands and results are flushed to zero (a result when the exact
// value is tiny, before rounding), each product and sum is rounded to odd (an overflow gives ∞),
// and every NaN is the default NaN. The order is qemu's (and Arm's): (a1·b1 + a2·b2), then the addend.
//
// In Wasm the values are doubles: a product of two BFloat16 (8-bit significands) is exact; a sum
// of two singles is exact but for its TwoSum error, by which it is rounded to odd in double, and
// rounding that to odd in single equals rounding the exact sum once (53 > 24 bits: round to odd
// never steps over a number of fewer bits, 2^-126 and 2^128 included).
import * as ir from '../../wasm/ir.ts';
import type { Expr } from '../../lift/types.ts';
import { Fn, type Var } from './fp-ops.ts';
import { dep, type Factory, toOdd } from './fp-strict-core.ts';

const I32 = ir.i32, F32 = ir.f32, F64 = ir.f64;
type M = ir.Module;

/** bf_round(v) → f64: a double rounded to odd in single, below 2^-126 a zero, from 2^128 on ∞; a NaN stays one */
function roundOdd(m: M, name: string): void {
  const fn = new Fn(m, [F64]), v = () => fn.p(0), r = fn.local(F32), f = m.f64, i32 = m.i32;
  const bits = () => i32.reinterpret(r.get());
  fn.add(name, F64, [
    m.if(f.lt(f.abs(v()), f.const(2 ** -126)), m.return(f.copysign(f.const(0), v()))),
    m.if(f.ge(f.abs(v()), f.const(2 ** 128)), m.return(f.copysign(f.const(Infinity), v()))),
    // to nearest, back towards zero when that went away from it, then the last bit set if inexact
    r.set(m.f32.demote(v())),
    m.if(f.gt(f.abs(f.promote(r.get())), f.abs(v())), r.set(m.f32.reinterpret(i32.sub(bits(), i32.const(1))))),
    m.if(f.ne(f.promote(r.get()), v()), r.set(m.f32.reinterpret(i32.or(bits(), i32.const(1))))),
    f.promote(r.get()),
  ]);
}

/** bf_dot(addend, n, m) → the bits of a single: n and m each hold two BFloat16 (low half a1/b1, high half a2/b2) */
function dotAdd(m: M, name: string): void {
  const fn = new Fn(m, [I32, I32, I32]), f = m.f64, i32 = m.i32;
  const X = fn.local(I32), s = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
  const acc = fn.local(F64), a1 = fn.local(F64), a2 = fn.local(F64), b1 = fn.local(F64), b2 = fn.local(F64), p = fn.local(F64), q = fn.local(F64);
  const round = (v: Expr) => m.call(dep(m, 'bf_round', roundOdd), [v], F64);
  /** a single's bits as the double BFDotAdd reads: subnormals flushed to zero */
  const operand = (to: Var, bits: Expr) => [
    X.set(bits),
    to.set(f.promote(m.f32.reinterpret(m.select(i32.eqz(i32.and(X.get(), i32.const(0x7f800000))), i32.and(X.get(), i32.const(0x80000000 | 0)), X.get())))),
  ];
  const high = (x: Expr) => i32.and(x, i32.const(0xffff0000 | 0));
  /** to = x + y rounded to odd in single (a NaN or ∞ sum is exact: TwoSum's error would be NaN) */
  const add = (to: Var, x: Var, y: Var) => [
    s.set(f.add(x.get(), y.get())),
    m.if(f.lt(f.abs(s.get()), f.const(Infinity)), m.block(null, [
      z.set(f.sub(s.get(), x.get())),
      e.set(f.add(f.sub(x.get(), f.sub(s.get(), z.get())), f.sub(y.get(), z.get()))),
      s.set(f.reinterpret(toOdd(m, s.get, e.get))),
    ])),
    to.set(round(s.get())),
  ];
  fn.add(name, I32, [
    ...operand(acc, fn.p(0)),
    ...operand(a1, i32.shl(fn.p(1), i32.const(16))), ...operand(b1, i32.shl(fn.p(2), i32.const(16))),
    ...operand(a2, high(fn.p(1))), ...operand(b2, high(fn.p(2))),
    p.set(round(f.mul(a1.get(), b1.get()))),
    q.set(round(f.mul(a2.get(), b2.get()))),
    ...add(p, p, q),
    ...add(acc, acc, p),
    m.select(f.ne(acc.get(), acc.get()), i32.const(0x7fc00000), i32.reinterpret(m.f32.demote(acc.get()))),
  ]);
}

export const bf16Helpers: Record<string, Factory> = { bf_dot: dotAdd };
