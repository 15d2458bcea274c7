// Helpers shared by the A64 semantics: register views (X/W, ZR vs SP), NZCV and conditions.
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z } from './regs.ts';

export const i64c = (b: Builder, v: number | bigint) => ir.i64Const(b.m, v);
export const i32c = (b: Builder, v: number) => b.m.i32.const(v | 0);

/** Xn where 31 is the zero register. */
export const xr = (b: Builder, n: number): Expr => (n === 31 ? i64c(b, 0) : b.get(n));
/** Xn where 31 is SP. */
export const xsp = (b: Builder, n: number): Expr => b.get(n);
export const wr = (b: Builder, n: number): Expr => (n === 31 ? i32c(b, 0) : b.m.i32.wrap(b.get(n)));
export const wsp = (b: Builder, n: number): Expr => b.m.i32.wrap(b.get(n));

export function setX(b: Builder, n: number, v: Expr): void { if (n !== 31) b.set(n, v); }
export function setXSP(b: Builder, n: number, v: Expr): void { b.set(n, v); }
/** writes a W register: the upper 32 bits become zero */
export function setW(b: Builder, n: number, v: Expr): void { if (n !== 31) b.set(n, b.m.i64.extend_u(v)); }
export function setWSP(b: Builder, n: number, v: Expr): void { b.set(n, b.m.i64.extend_u(v)); }

/** Register read at the operation width: i64 if sf, else i32. */
export const rd = (b: Builder, sf: number, n: number): Expr => (sf ? xr(b, n) : wr(b, n));
export const rdsp = (b: Builder, sf: number, n: number): Expr => (sf ? xsp(b, n) : wsp(b, n));
export function wrt(b: Builder, sf: number, n: number, v: Expr): void { sf ? setX(b, n, v) : setW(b, n, v); }
export function wrtsp(b: Builder, sf: number, n: number, v: Expr): void { sf ? setXSP(b, n, v) : setWSP(b, n, v); }

/** the builder's op namespace for the width */
export const ops = (b: Builder, sf: number) => (sf ? b.m.i64 : b.m.i32);
export const cst = (b: Builder, sf: number, v: number | bigint) =>
  (sf ? i64c(b, v) : i32c(b, typeof v === 'number' && Number.isSafeInteger(v) ? v : Number(BigInt.asIntN(32, BigInt(v)))));
export const wtype = (sf: number) => (sf ? ir.i64 : ir.i32);

/** Evaluates `v` once into a fresh local; returns a getter for repeated use. */
export function tmp(b: Builder, type: ir.Type, v: Expr): () => Expr {
  const t = b.temp(type, v);
  return () => b.m.local.get(t, type);
}

/** Where NZCV last came from in this block, so a following condition can compare directly. */
interface FlagSource { kind: 'sub' | 'add' | 'logic'; sf: number; a: () => Expr; b: () => Expr; res: () => Expr }
const FLAGS = 'a64.flags';

export function setNZCV(b: Builder, n: Expr, z: Expr, c: Expr, v: Expr): void {
  b.set(FLAG_N, n); b.set(FLAG_Z, z); b.set(FLAG_C, c); b.set(FLAG_V, v);
  b.scratch.delete(FLAGS);
}

/** a + b (+ carry) with NZCV, as ADDS/SUBS/ADCS/SBCS define them; `sub` means a + ~b + 1. */
export function addWithFlags(b: Builder, sf: number, a: () => Expr, bv: () => Expr, sub: boolean, carryIn?: () => Expr): () => Expr {
  const o = ops(b, sf), m = b.m;
  let sum: Expr;
  if (carryIn) {
    const t = sub ? o.sub(o.sub(a(), bv()), o.xor(extendFlag(b, sf, carryIn()), cst(b, sf, 1))) : o.add(o.add(a(), bv()), extendFlag(b, sf, carryIn()));
    sum = t;
  } else sum = sub ? o.sub(a(), bv()) : o.add(a(), bv());
  const res = tmp(b, wtype(sf), sum);
  const zero = cst(b, sf, 0);
  const n = o.lt_s(res(), zero);
  const z = o.eqz(res());
  let c: Expr;
  if (!carryIn) c = sub ? o.ge_u(a(), bv()) : o.lt_u(res(), a());
  else if (sub) c = m.select(carryIn(), o.ge_u(a(), bv()), o.gt_u(a(), bv()));
  else c = m.select(carryIn(), o.le_u(res(), a()), o.lt_u(res(), a()));
  const v = sub
    ? o.lt_s(o.and(o.xor(a(), bv()), o.xor(a(), res())), cst(b, sf, 0))
    : o.lt_s(o.and(o.xor(a(), res()), o.xor(bv(), res())), cst(b, sf, 0));
  setNZCV(b, n, z, c, v);
  if (!carryIn) b.scratch.set(FLAGS, { kind: sub ? 'sub' : 'add', sf, a, b: bv, res } satisfies FlagSource);
  return res;
}

const extendFlag = (b: Builder, sf: number, f: Expr) => (sf ? b.m.i64.extend_u(f) : f);

/** NZCV from a logical result (ANDS/BICS/TST): C and V clear. */
export function logicFlags(b: Builder, sf: number, res: () => Expr): void {
  const o = ops(b, sf);
  setNZCV(b, o.lt_s(res(), cst(b, sf, 0)), o.eqz(res()), i32c(b, 0), i32c(b, 0));
  b.scratch.set(FLAGS, { kind: 'logic', sf, a: res, b: res, res } satisfies FlagSource);
}

/** ConditionHolds(cond) as an i32 0/1. */
export function condition(b: Builder, cond: number): Expr {
  const m = b.m;
  if (cond >= 14) return i32c(b, 1);
  const src = b.scratch.get(FLAGS) as FlagSource | undefined;
  const direct = src && directCondition(b, src, cond >> 1);
  const base = direct ?? flagCondition(b, cond >> 1);
  return cond & 1 ? m.i32.eqz(base) : base;
}

function flagCondition(b: Builder, c: number): Expr {
  const m = b.m, N = () => b.get(FLAG_N), Z = () => b.get(FLAG_Z), C = () => b.get(FLAG_C), V = () => b.get(FLAG_V);
  switch (c) {
    case 0: return Z();
    case 1: return C();
    case 2: return N();
    case 3: return V();
    case 4: return m.i32.and(C(), m.i32.eqz(Z()));
    case 5: return m.i32.eq(N(), V());
    case 6: return m.i32.and(m.i32.eq(N(), V()), m.i32.eqz(Z()));
    default: throw new Error('unreachable condition');
  }
}

/** Conditions straight from the operands of the last flag-setting compare (cmp + b.cond → one compare). */
function directCondition(b: Builder, s: FlagSource, c: number): Expr | undefined {
  const o = ops(b, s.sf), zero = () => cst(b, s.sf, 0);
  if (s.kind === 'sub') {
    switch (c) {
      case 0: return o.eq(s.a(), s.b());
      case 1: return o.ge_u(s.a(), s.b());
      case 2: return o.lt_s(s.res(), zero());
      case 4: return o.gt_u(s.a(), s.b());
      case 5: return o.ge_s(s.a(), s.b());
      case 6: return o.gt_s(s.a(), s.b());
      default: return undefined;
    }
  }
  if (s.kind === 'logic') {
    switch (c) {
      case 0: return o.eqz(s.res());
      case 2: case 5: return c === 2 ? o.lt_s(s.res(), zero()) : o.ge_s(s.res(), zero());
      case 6: return o.gt_s(s.res(), zero());
      default: return undefined;
    }
  }
  if (c === 0) return o.eqz(s.res());
  return undefined;
}

/** DecodeBitMasks for logical immediates: the wmask, or undefined when reserved. */
export function decodeBitMask(sf: number, N: number, imms: number, immr: number): bigint | undefined {
  const len = 31 - Math.clz32((N << 6) | (~imms & 0x3f));
  if (len < 1 || (!sf && N)) return undefined;
  const esize = 1 << len, levels = esize - 1;
  const S = imms & levels, R = immr & levels;
  if (S === levels) return undefined;
  const emask = (1n << BigInt(esize)) - 1n;
  let welem = (1n << BigInt(S + 1)) - 1n;
  if (R) welem = ((welem >> BigInt(R)) | (welem << BigInt(esize - R))) & emask;
  let out = 0n;
  for (let i = 0; i < (sf ? 64 : 32); i += esize) out |= welem << BigInt(i);
  return out;
}

/** Shift of a register operand (LSL/LSR/ASR/ROR) at the operation width. */
export function shifted(b: Builder, sf: number, v: Expr, type: number, amount: number): Expr {
  if (amount === 0) return v;
  const o = ops(b, sf), a = cst(b, sf, amount);
  switch (type) {
    case 0: return o.shl(v, a);
    case 1: return o.shr_u(v, a);
    case 2: return o.shr_s(v, a);
    default: return o.rotr(v, a);
  }
}

/** ExtendReg: option (UXTB..SXTX) then left shift, result i64 (or i32 if !sf). */
export function extended(b: Builder, sf: number, n: number, option: number, shift: number): Expr {
  const m = b.m;
  let v: Expr;
  const x = () => xr(b, n), w = () => wr(b, n);
  switch (option) {
    case 0: v = m.i64.and(x(), i64c(b, 0xff)); break;
    case 1: v = m.i64.and(x(), i64c(b, 0xffff)); break;
    case 2: v = m.i64.extend_u(w()); break;
    case 3: v = x(); break;
    case 4: v = m.i64.extend8_s(x()); break;
    case 5: v = m.i64.extend16_s(x()); break;
    case 6: v = m.i64.extend_s(w()); break;
    default: v = x();
  }
  if (shift) v = m.i64.shl(v, i64c(b, shift));
  return sf ? v : m.i32.wrap(v);
}
