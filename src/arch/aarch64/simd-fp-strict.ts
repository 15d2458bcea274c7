// Advanced SIMD floating point once the guest has written FPCR or FPSR (fp-strict.ts): the same
// operations a lane at a time through the scalar strict helpers, which honour FPCR.RMode, FZ and
// DN and raise the cumulative FPSR flags as the scalar instructions do (A64 Advanced SIMD uses
// FPCR itself, as qemu does). Only the active lanes are computed: an inactive lane must not raise
// a flag. Code that never writes or reads FPCR/FPSR keeps the vector fast path behind one load
// and a well-predicted branch, as scalar FP does.
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { callH, FD, FS, fo, type FPKind } from './fp-ops.ts';
import { orStrict } from './fp-strict.ts';
import { i32c, i64c } from './ops.ts';
import { type G, I64, setLane, vzero } from './simd-ops.ts';

/**
 * A local set inside the strict arm (ops.ts tmp would emit it before the branch, where it would
 * run, and raise flags, on the fast path too): the set, and a getter.
 */
function local(b: Builder, type: ir.Type, v: Expr): [Expr, G] {
  const t = b.temp(type);
  return [b.m.local.set(t, v), () => b.m.local.get(t, type)];
}

/** a lane's value: float lanes as f32/f64, integer lanes as i64 */
export type Lane = (i: number) => Expr;

export const kindOf = (e: number): FPKind => (e === 64 ? FD : FS);

/** lane i of the float vector `v` (a getter: every call reads it afresh) */
export const fl = (b: Builder, e: number, v: G, i: number): Expr => (e === 64 ? b.m.f64x2 : b.m.f32x4).extract_lane(v(), i as never);

/**
 * `fast`, or once the guest has written FPCR/FPSR the vector of `lane(i)` for the first `count`
 * lanes of `e` bits (the rest zero); `int`: the lanes are i64 (integers, masks, narrower formats)
 */
export function strictLanes(b: Builder, e: number, count: number, lane: Lane, fast: Expr, int = false): Expr {
  return orStrict(b, strictVector(b, e, count, lane, int), fast);
}

/** the vector of `lane(i)` for the first `count` lanes of `e` bits, the rest zero (see strictLanes) */
export function strictVector(b: Builder, e: number, count: number, lane: Lane, int = false): Expr {
  const m = b.m;
  let acc = vzero(b);
  for (let i = 0; i < count; i++) {
    acc = int ? setLane(b, acc, e, i, lane(i)) : (e === 64 ? m.f64x2 : m.f32x4).replace_lane(acc, i as never, lane(i));
  }
  return acc;
}

export type StrictBin = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'maxnm' | 'minnm' | 'mulx' | 'abd';
const MINMAX: Partial<Record<StrictBin, number>> = { max: 0, min: 1, maxnm: 2, minnm: 3 };

/** a two-operand op on one lane (x and y are getters of scalar operands) */
export function strictBin(b: Builder, e: number, op: StrictBin, x: G, y: G): Expr {
  const k = kindOf(e), F = fo(b.m, k), call = (name: string, args: Expr[]) => callH(b, `fps_${name}_${k.sfx}`, args, k.t);
  const mm = MINMAX[op];
  if (mm !== undefined) return call('minmax', [x(), y(), i32c(b, mm)]);
  if (op === 'abd') return F.abs(call('sub', [x(), y()])); // FPAbs(FPSub): the NaN's sign too
  if (op !== 'mulx') return call(op, [x(), y()]);
  // FMULX: 0 × ∞ is ±2 without IOC, judged on the operands as FZ flushes them (IDC)
  const m = b.m, [setX, xf] = local(b, k.t, call('cmpin', [x(), i32c(b, 0)])), [setY, yf] = local(b, k.t, call('cmpin', [y(), i32c(b, 0)]));
  const zero = (v: G) => F.eq(v(), F.const(0)), inf = (v: G) => F.eq(F.abs(v()), F.const(Infinity));
  const special = m.i32.or(m.i32.and(zero(xf), inf(yf)), m.i32.and(inf(xf), zero(yf)));
  const two = F.copysign(F.const(2), F.mul(F.copysign(F.const(1), xf()), F.copysign(F.const(1), yf())));
  return m.block(null, [setX, setY, m.if(special, two, call('mul', [xf(), yf()]))], k.t);
}

export type StrictCmp = 'eq' | 'ge' | 'gt' | 'le' | 'lt' | 'age' | 'agt';

/**
 * A compare on one lane as an all-ones/zero i64 mask: the operands as FPCompare* unpacks them
 * (FZ flushes with IDC; IOC for a signalling NaN, for any NaN in the ordered compares)
 */
export function strictCmp(b: Builder, e: number, op: StrictCmp, x: G, y: G): Expr {
  const m = b.m, k = kindOf(e), F = fo(m, k);
  const abs = op === 'age' || op === 'agt';
  const arg = (v: G) => callH(b, `fps_cmpin_${k.sfx}`, [abs ? F.abs(v()) : v(), i32c(b, op === 'eq' ? 0 : 1)], k.t);
  const [setP, p] = local(b, k.t, arg(x)), [setQ, q] = local(b, k.t, arg(y));
  const c = op === 'eq' ? F.eq(p(), q()) : op === 'ge' || op === 'age' ? F.ge(p(), q()) : op === 'gt' || op === 'agt' ? F.gt(p(), q())
    : op === 'le' ? F.le(p(), q()) : F.lt(p(), q());
  return m.block(null, [setP, setQ, m.select(c, i64c(b, -1), i64c(b, 0))], I64);
}

/** FPToFixed of one lane to an integer of the lane's size: rmode 0 N, 1 P, 2 M, 3 Z, 4 A */
export const strictToInt = (b: Builder, e: number, x: Expr, rmode: number, unsigned: number, fbits = 0): Expr =>
  callH(b, `fps_f2i_${kindOf(e).sfx}`, [x, i32c(b, rmode), i32c(b, unsigned | (e === 64 ? 2 : 0) | (fbits << 8))], I64);

/** FixedToFP of one integer lane (an i64, extended from the lane as `unsigned` says), FPCR.RMode */
export const strictFromInt = (b: Builder, e: number, v: Expr, unsigned: number): Expr =>
  callH(b, `fps_i2f_${kindOf(e).sfx}`, [v, i32c(b, unsigned)], kindOf(e).t);
