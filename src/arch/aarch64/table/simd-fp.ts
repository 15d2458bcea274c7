// Advanced SIMD floating point (single and double lanes, and FCVTN/FCVTL between half and single;
// the FP16 forms are in simd-fp16*.ts): three same, pairwise, across lanes, two-register misc (rounding, conversions,
// compares with zero), by element, and fixed-point conversions by immediate.
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder, Expr } from '../../../lift/types.ts';
import { i32c, i64c, tmp } from '../ops.ts';
import {
  type Form, type G, I64, VR, dupLane, fixNaN1, fixNaN2, fns, isNaNV, lane, mapLanes, ns, vget, vsplatc,
  vtmp, vzero, writeForm, writeNarrow, writeScalarV,
} from '../simd-ops.ts';
import { pairwise, reduceTree } from './simd-int.ts';
import { callH, FD, FS } from '../fp-ops.ts';
import { fusedMulAdd, fusedMulAddVector, type StrictArm } from '../fp-fma.ts';
import { isStrict } from '../fp-strict.ts';
import { fl, kindOf, type Lane, strictBin, strictCmp, strictFromInt, strictLanes, strictToInt, strictVector } from '../simd-fp-strict.ts';

const signMask = (e: number) => 1n << BigInt(e - 1);
const fone = (e: number) => (e === 32 ? 0x3f800000n : 0x3ff0000000000000n);
const ftwo = (e: number) => (e === 32 ? 0x40000000n : 0x4000000000000000n);
const fhalf = (e: number) => (e === 32 ? 0x3f000000n : 0x3fe0000000000000n);
const finf = (e: number) => (e === 32 ? 0x7f800000n : 0x7ff0000000000000n);
const fqbit = (e: number) => (e === 32 ? 1n << 22n : 1n << 51n);

export type FBin = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'maxnm' | 'minnm' | 'mulx' | 'abd';

/** all-ones where x is a quiet NaN */
function isQNaN(b: Builder, e: number, x: G): Expr {
  const m = b.m;
  return m.v128.and(isNaNV(b, e, x), m.v128.not(ns(b, e).eq(m.v128.and(x(), vsplatc(b, e, fqbit(e))), vzero(b))));
}

/** a binary float op with AArch64 NaN and signed-zero behaviour */
export function fbin(b: Builder, e: number, op: FBin, x: G, y: G): Expr {
  const m = b.m, F = fns(b, e);
  switch (op) {
    case 'add': return fixNaN2(b, e, F.add(x(), y()), x, y);
    case 'sub': return fixNaN2(b, e, F.sub(x(), y()), x, y);
    case 'mul': return fixNaN2(b, e, F.mul(x(), y()), x, y);
    case 'div': return fixNaN2(b, e, F.div(x(), y()), x, y);
    case 'max': return fixNaN2(b, e, F.max(x(), y()), x, y);
    case 'min': return fixNaN2(b, e, F.min(x(), y()), x, y);
    case 'abd': return F.abs(fixNaN2(b, e, F.sub(x(), y()), x, y));
    case 'maxnm': case 'minnm': {
      // a quiet NaN against a number yields the number; otherwise as FMAX/FMIN
      const xn = vtmp(b, isNaNV(b, e, x)), yn = vtmp(b, isNaNV(b, e, y));
      const x2 = vtmp(b, m.v128.bitselect(y(), x(), m.v128.andnot(isQNaN(b, e, x), yn())));
      const y2 = vtmp(b, m.v128.bitselect(x(), y(), m.v128.andnot(isQNaN(b, e, y), xn())));
      return fbin(b, e, op === 'maxnm' ? 'max' : 'min', x2, y2);
    }
    default: { // FMULX: 0 × ∞ = ±2
      const r = vtmp(b, fixNaN2(b, e, F.mul(x(), y()), x, y));
      const zero = (v: G) => F.eq(v(), vzero(b)), inf = (v: G) => F.eq(F.abs(v()), vsplatc(b, e, finf(e)));
      const special = m.v128.or(m.v128.and(zero(x), inf(y)), m.v128.and(inf(x), zero(y)));
      const two = m.v128.or(vsplatc(b, e, ftwo(e)), m.v128.and(m.v128.xor(x(), y()), vsplatc(b, e, signMask(e))));
      return m.v128.bitselect(two, r(), special);
    }
  }
}

export type FCmp = 'eq' | 'ge' | 'gt' | 'age' | 'agt';
function fcmp(b: Builder, e: number, op: FCmp, x: G, y: G): Expr {
  const F = fns(b, e);
  switch (op) {
    case 'eq': return F.eq(x(), y());
    case 'ge': return F.ge(x(), y());
    case 'gt': return F.gt(x(), y());
    case 'age': return F.ge(F.abs(x()), F.abs(y()));
    default: return F.gt(F.abs(x()), F.abs(y()));
  }
}

// ------------------------------------------------------------------------------------------
// Three same (float)

export type F3 = { kind: 'bin'; op: FBin; pair?: boolean } | { kind: 'cmp'; op: FCmp } | { kind: 'fma'; neg: boolean };

/**
 * FMLA / FMLS: FPMulAdd(d, ±n, m) on each lane (one rounding, AArch64 NaN rules; FMLS negates n
 * first, so a NaN from n comes out negated), or once the guest has written FPCR/FPSR the
 * FPCR-honouring lanes (fmaStrict): the whole vector at once with relaxed SIMD
 * (fusedMulAddVector, whose one branch also takes the strict test), else lane by lane through the
 * scalar fused multiply-add. Lanes past `count` are the caller's to drop (writeForm).
 */
export function fmaVector(b: Builder, e: number, count: number, n: G, mm: G, d: G, neg: boolean): Expr {
  const m = b.m, V = e === 32 ? m.f32x4 : m.f64x2, S = e === 32 ? m.f32 : m.f64, k = e === 32 ? FS : FD;
  const lanes = () => {
    let acc = d();
    for (let i = 0; i < count; i++) {
      const ix = i as never, x = () => V.extract_lane(n(), ix);
      acc = V.replace_lane(acc, ix, fusedMulAdd(b, k, () => (neg ? S.neg(x()) : x()), () => V.extract_lane(mm(), ix), () => V.extract_lane(d(), ix)));
    }
    return acc;
  };
  const strict: StrictArm = { on: () => isStrict(b), value: () => strictVector(b, e, count, (i) => fmaStrict(b, e, neg, n, mm, d, i)) };
  return fusedMulAddVector(b, e, () => (neg ? V.neg(n()) : n()), mm, d, lanes, strict) ?? m.hint(m.if(strict.on(), strict.value(), lanes()), false);
}

/** FMLA/FMLS on one lane, strict: FPMulAdd(d, ±n, m) by the scalar helper */
export function fmaStrict(b: Builder, e: number, neg: boolean, n: G, mm: G, d: G, i: number): Expr {
  const k = kindOf(e), x = fl(b, e, n, i);
  return callH(b, `fps_fma_${k.sfx}`, [neg ? (e === 64 ? b.m.f64.neg(x) : b.m.f32.neg(x)) : x, fl(b, e, mm, i), fl(b, e, d, i)], k.t);
}

/** lane i of a pairwise op over Vn:Vm (count result lanes): the pair 2i of the concatenation */
function pairLane(b: Builder, e: number, count: number, x: G, y: G, i: number, op: FBin): Expr {
  const half = count / 2, src = i < half ? x : y, j = 2 * (i < half ? i : i - half);
  return strictBin(b, e, op, () => fl(b, e, src, j), () => fl(b, e, src, j + 1));
}

export function descF3(U: number, a: number, opc: number): F3 | undefined {
  switch ((U << 4) | (a << 3) | opc) {
    case 0b00000: return { kind: 'bin', op: 'maxnm' };
    case 0b01000: return { kind: 'bin', op: 'minnm' };
    case 0b10000: return { kind: 'bin', op: 'maxnm', pair: true };
    case 0b11000: return { kind: 'bin', op: 'minnm', pair: true };
    case 0b00001: return { kind: 'fma', neg: false };
    case 0b01001: return { kind: 'fma', neg: true };
    case 0b00010: return { kind: 'bin', op: 'add' };
    case 0b01010: return { kind: 'bin', op: 'sub' };
    case 0b10010: return { kind: 'bin', op: 'add', pair: true };
    case 0b11010: return { kind: 'bin', op: 'abd' };
    case 0b00011: return { kind: 'bin', op: 'mulx' };
    case 0b10011: return { kind: 'bin', op: 'mul' };
    case 0b00100: return { kind: 'cmp', op: 'eq' };
    case 0b10100: return { kind: 'cmp', op: 'ge' };
    case 0b11100: return { kind: 'cmp', op: 'gt' };
    case 0b10101: return { kind: 'cmp', op: 'age' };
    case 0b11101: return { kind: 'cmp', op: 'agt' };
    case 0b00110: return { kind: 'bin', op: 'max' };
    case 0b01110: return { kind: 'bin', op: 'min' };
    case 0b10110: return { kind: 'bin', op: 'max', pair: true };
    case 0b11110: return { kind: 'bin', op: 'min', pair: true };
    case 0b10111: return { kind: 'bin', op: 'div' };
    default: return undefined;
  }
}

/** which scalar (Rd = op(Rn, Rm) on one lane) three-same float forms exist */
const scalarF3 = new Set([0b00011, 0b00100, 0b10100, 0b10101, 0b11010, 0b11100, 0b11101]);

function f3Guard(f: Fields, scalar: boolean): boolean {
  const key = (f.U! << 4) | (f.a! << 3) | f.opc!, d = descF3(f.U!, f.a!, f.opc!);
  if (!d) return false;
  if (scalar) return scalarF3.has(key);
  return !(f.sz === 1 && f.Q === 0);
}

function f3Sem(f: Fields, b: Builder, scalar: boolean): void {
  const d = descF3(f.U!, f.a!, f.opc!)!, e = f.sz ? 64 : 32;
  const x = vget(b, f.rn!), y = vget(b, f.rm!);
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar };
  const count = scalar ? 1 : (form.q ? 128 : 64) / e, X = (i: number) => () => fl(b, e, x, i), Y = (i: number) => () => fl(b, e, y, i);
  if (d.kind === 'fma') return writeForm(b, f.rd!, fmaVector(b, e, count, x, y, vget(b, f.rd!), d.neg), form);
  if (d.kind === 'cmp') return writeForm(b, f.rd!, strictLanes(b, e, count, (i) => strictCmp(b, e, d.op, X(i), Y(i)), fcmp(b, e, d.op, x, y), true), form);
  let v: Expr, strict: Lane;
  if (d.pair) {
    v = pairwise(b, e, form.q, x, y, (p, r) => fbin(b, e, d.op, p, r));
    strict = (i) => pairLane(b, e, count, x, y, i, d.op);
  } else {
    v = fbin(b, e, d.op, x, y);
    strict = (i) => strictBin(b, e, d.op, X(i), Y(i));
  }
  writeForm(b, f.rd!, strictLanes(b, e, count, strict, v), form);
}

const three = [
  row('SIMD_3same_fp', '0 Q U 01110 a sz 1 rm:5 11 opc:3 1 rn:5 rd:5', (f, b) => f3Sem(f, b, false), { guard: (f) => f3Guard(f, false) }),
  row('SIMD_3same_fp_scalar', '01 U 11110 a sz 1 rm:5 11 opc:3 1 rn:5 rd:5', (f, b) => f3Sem(f, b, true), { guard: (f) => f3Guard(f, true) }),
];

// scalar pairwise: FADDP / FMAXP / FMINP / FMAXNMP / FMINNMP of the two lanes of Vn
const pairScalar = row('SIMD_pair_fp_scalar', '01 1 11110 a sz 11000 opcode:5 10 rn:5 rd:5', (f, b) => {
  const e = f.sz ? 64 : 32, x = vget(b, f.rn!);
  const op: FBin = f.opcode === 0b01101 ? 'add' : f.opcode === 0b01100 ? (f.a ? 'minnm' : 'maxnm') : (f.a ? 'min' : 'max');
  const hi = vtmp(b, dupLane(b, x(), e, 1));
  writeScalarV(b, f.rd!, strictLanes(b, e, 1, () => pairLane(b, e, 2, x, x, 0, op), fbin(b, e, op, x, hi)), e);
}, { guard: (f) => f.opcode === 0b01100 || f.opcode === 0b01111 || (f.opcode === 0b01101 && f.a === 0) });

// across lanes (4S only): FMAXV / FMINV / FMAXNMV / FMINNMV
const acrossFp = row('SIMD_across_fp', '0 1 1 01110 a 0 11000 opcode:5 10 rn:5 rd:5', (f, b) => {
  const op: FBin = f.opcode === 0b01100 ? (f.a ? 'minnm' : 'maxnm') : (f.a ? 'min' : 'max');
  // Arm's Reduce splits in halves: op(op(e0, e1), op(e2, e3))
  const x = vget(b, f.rn!);
  const pairs = vtmp(b, pairwise(b, 32, 1, x, x, (p, r) => fbin(b, 32, op, p, r)));
  const fast = reduceTree(b, 32, 2, pairs(), (p, r) => fbin(b, 32, op, p, r));
  const strict = () => strictBin(b, 32, op, () => pairLane(b, 32, 4, x, x, 0, op), () => pairLane(b, 32, 4, x, x, 1, op));
  writeScalarV(b, f.rd!, strictLanes(b, 32, 1, strict, fast), 32);
}, { guard: (f) => f.opcode === 0b01100 || f.opcode === 0b01111 });

// ------------------------------------------------------------------------------------------
// Two-register misc (float)

type Round = 'n' | 'p' | 'm' | 'z' | 'a';

function roundV(b: Builder, e: number, mode: Round, x: G): Expr {
  const m = b.m, F = fns(b, e);
  switch (mode) {
    case 'n': return F.nearest(x());
    case 'p': return F.ceil(x());
    case 'm': return F.floor(x());
    case 'z': return F.trunc(x());
    default: { // ties away from zero: trunc, then step away if the dropped part is ≥ ½
      const t = vtmp(b, F.trunc(x()));
      const up = F.ge(F.abs(F.sub(x(), t())), vsplatc(b, e, fhalf(e)));
      const step = m.v128.or(vsplatc(b, e, fone(e)), m.v128.and(x(), vsplatc(b, e, signMask(e))));
      return m.v128.bitselect(F.add(t(), step), t(), up);
    }
  }
}

/** float → integer, saturating, NaN → 0 (what FCVT[NPMZA][SU] do) after rounding */
function toInt(b: Builder, e: number, signed: boolean, v: Expr): Expr {
  const m = b.m;
  if (e === 32) return signed ? m.i32x4.trunc_sat_f32x4_s(v) : m.i32x4.trunc_sat_f32x4_u(v);
  const t = vtmp(b, v);
  return mapLanes(b, 64, 2, (i) => {
    const l = m.f64x2.extract_lane(t(), i as never);
    return signed ? m.i64.trunc_s_sat.f64(l) : m.i64.trunc_u_sat.f64(l);
  });
}

function fromInt(b: Builder, e: number, signed: boolean, v: Expr): Expr {
  const m = b.m;
  if (e === 32) return signed ? m.f32x4.convert_i32x4_s(v) : m.f32x4.convert_i32x4_u(v);
  const t = vtmp(b, v);
  let acc = vzero(b);
  for (let i = 0; i < 2; i++) {
    const l = m.i64x2.extract_lane(t(), i as never);
    acc = m.f64x2.replace_lane(acc, i as never, signed ? m.f64.convert_s.i64(l) : m.f64.convert_u.i64(l));
  }
  return acc;
}

type F1 =
  | { kind: 'round'; mode: Round }
  | { kind: 'cvt'; mode: Round; signed: boolean; scalar: true }
  | { kind: 'icvt'; signed: boolean; scalar: true }
  | { kind: 'cmp0'; op: 'gt' | 'eq' | 'lt' | 'ge' | 'le'; scalar: true }
  | { kind: 'abs' } | { kind: 'neg' } | { kind: 'sqrt' } | { kind: 'fcvtn' } | { kind: 'fcvtl' } | { kind: 'fcvtxn'; scalar: true };

function descF1(U: number, a: number, opcode: number): F1 | undefined {
  const sg = !U;
  switch ((a << 5) | opcode) {
    case 0b011000: return U ? { kind: 'round', mode: 'a' } : { kind: 'round', mode: 'n' };
    case 0b111000: return U ? undefined : { kind: 'round', mode: 'p' };
    case 0b011001: return { kind: 'round', mode: U ? 'n' : 'm' }; // FRINTX (U=1) rounds as FPCR says: nearest
    case 0b111001: return { kind: 'round', mode: U ? 'n' : 'z' }; // FRINTI (U=1)
    case 0b011010: return { kind: 'cvt', mode: 'n', signed: sg, scalar: true };
    case 0b111010: return { kind: 'cvt', mode: 'p', signed: sg, scalar: true };
    case 0b011011: return { kind: 'cvt', mode: 'm', signed: sg, scalar: true };
    case 0b111011: return { kind: 'cvt', mode: 'z', signed: sg, scalar: true };
    case 0b011100: return { kind: 'cvt', mode: 'a', signed: sg, scalar: true };
    case 0b011101: return { kind: 'icvt', signed: sg, scalar: true };
    case 0b101100: return { kind: 'cmp0', op: U ? 'ge' : 'gt', scalar: true };
    case 0b101101: return { kind: 'cmp0', op: U ? 'le' : 'eq', scalar: true };
    case 0b101110: return U ? undefined : { kind: 'cmp0', op: 'lt', scalar: true };
    case 0b101111: return { kind: U ? 'neg' : 'abs' };
    case 0b111111: return U ? { kind: 'sqrt' } : undefined;
    case 0b010110: return U ? { kind: 'fcvtxn', scalar: true } : { kind: 'fcvtn' };
    case 0b010111: return U ? undefined : { kind: 'fcvtl' };
    default: return undefined;
  }
}

function f1Guard(f: Fields, scalar: boolean): boolean {
  const d = descF1(f.U!, f.a!, f.opcode!);
  if (!d) return false;
  if (d.kind === 'fcvtn' || d.kind === 'fcvtl') return !scalar; // sz 0: half <-> single, 1: single <-> double
  if (d.kind === 'fcvtxn') return f.sz === 1;
  if (scalar) return 'scalar' in d;
  return !(f.sz === 1 && f.Q === 0);
}

/** f64 → f32 with AArch64 NaN conversion (quietened, top payload bits kept) */
function demote(b: Builder, bits: () => Expr): Expr {
  const m = b.m, f = () => m.f64.reinterpret(bits());
  const nan = m.i64.or(m.i64.or(m.i64.shl(m.i64.shr_u(bits(), i64c(b, 63)), i64c(b, 31)), i64c(b, 0x7fc00000)),
    m.i64.and(m.i64.shr_u(bits(), i64c(b, 29)), i64c(b, 0x3fffff)));
  return m.select(m.f64.ne(f(), f()), nan, m.i64.extend_u(m.i32.reinterpret(m.f32.demote(f()))));
}
/** f64 → f32 rounding to odd (FCVTXN): toward zero, then the last bit set if inexact */
function demoteOdd(b: Builder, bits: () => Expr): Expr {
  const m = b.m, x = () => m.f64.reinterpret(bits());
  const d = tmp(b, ir.f32, m.f32.demote(x()));
  const over = m.f64.gt(m.f64.abs(m.f64.promote(d())), m.f64.abs(x()));
  const rz = tmp(b, ir.i32, m.i32.sub(m.i32.reinterpret(d()), m.select(over, i32c(b, 1), i32c(b, 0))));
  const inexact = m.f64.ne(m.f64.promote(m.f32.reinterpret(rz())), x());
  const odd = m.i64.extend_u(m.i32.or(rz(), inexact));
  return m.select(m.f64.ne(x(), x()), demote(b, bits), odd);
}

/** f32 (bits in the low 32 of an i64) → f64 bits, with AArch64 NaN conversion */
function promote(b: Builder, bits: () => Expr): Expr {
  const m = b.m, f = () => m.f32.reinterpret(m.i32.wrap(bits()));
  const nan = m.i64.or(m.i64.or(m.i64.shl(m.i64.shr_u(bits(), i64c(b, 31)), i64c(b, 63)), i64c(b, 0x7ff8000000000000n)),
    m.i64.shl(m.i64.and(bits(), i64c(b, 0x3fffff)), i64c(b, 29)));
  return m.select(m.f32.ne(f(), f()), nan, m.i64.reinterpret(m.f64.promote(f())));
}

/**
 * FCVTN (fp_s2h: four single lanes to the low four half lanes) or FCVTL (fp_h2s: the four half
 * lanes from `first` to single lanes), a lane at a time through the scalar FCVT helpers
 */
function halfLanes(b: Builder, v: Expr, helper: 'fp_s2h' | 'fp_h2s', first = 0): Expr {
  const m = b.m, xs = vtmp(b, v);
  if (helper === 'fp_s2h') return mapLanes(b, 16, 4, (i) => m.i64.extend_u(m.call(b.helper(helper), [m.f32x4.extract_lane(xs(), i as never)], ir.i32)));
  return mapLanes(b, 32, 4, (i) => m.i64.extend_u(m.i32.reinterpret(m.call(b.helper(helper), [m.i16x8.extract_lane_u(xs(), (first + i) as never)], ir.f32))));
}

/** FPRoundInt's rounding of FRINT{N,A,P,M,X,Z,I} as fps_rint takes it (the scalar FRINT's rmode field) */
const rintMode = (f: Fields): number => (f.opcode === 0b11000 ? (f.a ? 1 : f.U ? 4 : 0) : f.a ? (f.U ? 7 : 3) : f.U ? 6 : 2);
const RMODE: Record<Round, number> = { n: 0, p: 1, m: 2, z: 3, a: 4 };

function f1Sem(f: Fields, b: Builder, scalar: boolean): void {
  const d = descF1(f.U!, f.a!, f.opcode!)!, e = f.sz ? 64 : 32, F = fns(b, e), k = kindOf(e), m = b.m;
  const x = vget(b, f.rn!), X = (i: number) => fl(b, e, x, i);
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar }, count = scalar ? 1 : (form.q ? 128 : 64) / e;
  const out = (v: Expr, strict?: Lane, int = false) => writeForm(b, f.rd!, strict ? strictLanes(b, e, count, strict, v, int) : v, form);
  switch (d.kind) {
    case 'round': return out(fixNaN1(b, e, roundV(b, e, d.mode, x), x), (i) => callH(b, `fps_rint_${k.sfx}`, [X(i), i32c(b, rintMode(f))], k.t));
    case 'cvt': return out(toInt(b, e, d.signed, d.mode === 'z' ? x() : roundV(b, e, d.mode, x)), (i) => strictToInt(b, e, X(i), RMODE[d.mode], d.signed ? 0 : 1), true);
    case 'icvt': return out(fromInt(b, e, d.signed, x()), (i) => strictFromInt(b, e, lane(b, x(), e, i, d.signed), d.signed ? 0 : 1));
    case 'cmp0': {
      const z = vzero(b);
      const v = d.op === 'gt' ? F.gt(x(), z) : d.op === 'ge' ? F.ge(x(), z) : d.op === 'eq' ? F.eq(x(), z) : d.op === 'le' ? F.le(x(), z) : F.lt(x(), z);
      return out(v, (i) => strictCmp(b, e, d.op, () => X(i), () => (e === 64 ? m.f64.const(0) : m.f32.const(0))), true);
    }
    case 'abs': return out(F.abs(x()));
    case 'neg': return out(F.neg(x()));
    case 'sqrt': return out(fixNaN1(b, e, F.sqrt(x()), x), (i) => callH(b, `fps_sqrt_${k.sfx}`, [X(i)], k.t));
    case 'fcvtn': case 'fcvtxn': {
      if (!f.sz) {
        const strict = (i: number) => m.i64.extend_u(callH(b, 'fps_cvt_sh', [fl(b, 32, x, i)], ir.i32));
        return writeNarrow(b, f.rd!, strictLanes(b, 16, 4, strict, halfLanes(b, x(), 'fp_s2h'), true), f.Q!);
      }
      const xs = vtmp(b, x()), odd = d.kind === 'fcvtxn';
      const v = mapLanes(b, 32, scalar ? 1 : 2, (i) => { const l = tmp(b, I64, lane(b, xs(), 64, i)); return odd ? demoteOdd(b, l) : demote(b, l); });
      const r = strictLanes(b, 32, scalar ? 1 : 2, (i) => callH(b, odd ? 'fps_cvtxn' : 'fps_cvt_ds', [fl(b, 64, x, i)], ir.f32), v);
      return scalar ? writeScalarV(b, f.rd!, r, 32) : writeNarrow(b, f.rd!, r, f.Q!);
    }
    default: { // FCVTL / FCVTL2
      if (!f.sz) {
        const first = f.Q! * 4, strict = (i: number) => callH(b, 'fps_cvt_hs', [m.i16x8.extract_lane_u(x(), (first + i) as never)], ir.f32);
        return b.set(VR(f.rd!), strictLanes(b, 32, 4, strict, halfLanes(b, x(), 'fp_h2s', first)));
      }
      const xs = vtmp(b, x()), base = f.Q ? 2 : 0;
      const fast = mapLanes(b, 64, 2, (i) => { const l = tmp(b, I64, lane(b, xs(), 32, base + i)); return promote(b, l); });
      b.set(VR(f.rd!), strictLanes(b, 64, 2, (i) => callH(b, 'fps_cvt_sd', [fl(b, 32, x, base + i)], ir.f64), fast));
    }
  }
}

const misc = [
  row('SIMD_2misc_fp', '0 Q U 01110 a sz 10000 opcode:5 10 rn:5 rd:5', (f, b) => f1Sem(f, b, false), { guard: (f) => f1Guard(f, false) }),
  row('SIMD_2misc_fp_scalar', '01 U 11110 a sz 10000 opcode:5 10 rn:5 rd:5', (f, b) => f1Sem(f, b, true), { guard: (f) => f1Guard(f, true) }),
];

// ------------------------------------------------------------------------------------------
// By element (float): FMUL / FMULX / FMLA / FMLS

function elemFpGuard(f: Fields): boolean {
  if (!(f.size! & 2)) return false; // FP16 forms
  if ((f.size! & 1) && f.L) return false;
  return f.opcode === 0b1001 || (f.U === 0 && (f.opcode === 0b0001 || f.opcode === 0b0101));
}

function elemFpSem(f: Fields, b: Builder, scalar: boolean): void {
  const e = f.size! & 1 ? 64 : 32, index = e === 64 ? f.H! : (f.H! << 1) | f.L!;
  const rm = (f.M! << 4) | f.rm!;
  const el = vtmp(b, dupLane(b, b.get(VR(rm)), e, index));
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar }, count = scalar ? 1 : (form.q ? 128 : 64) / e;
  const x = vget(b, f.rn!);
  if (f.opcode !== 0b1001) {
    const neg = f.opcode === 0b0101;
    return writeForm(b, f.rd!, fmaVector(b, e, count, x, el, vget(b, f.rd!), neg), form);
  }
  const op = f.U ? 'mulx' : 'mul';
  writeForm(b, f.rd!, strictLanes(b, e, count, (i) => strictBin(b, e, op, () => fl(b, e, x, i), () => fl(b, e, el, i)), fbin(b, e, op, x, el)), form);
}

const byElem = [
  row('SIMD_elem_fp', '0 Q U 01111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => elemFpSem(f, b, false), {
    guard: (f) => elemFpGuard(f) && !((f.size! & 1) && f.Q === 0),
  }),
  row('SIMD_elem_fp_scalar', '01 U 11111 size:2 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => elemFpSem(f, b, true), { guard: elemFpGuard }),
];

// ------------------------------------------------------------------------------------------
// Fixed-point conversions (shift by immediate encodings): SCVTF/UCVTF/FCVTZS/FCVTZU #fbits

function fixedGuard(f: Fields, scalar: boolean): boolean {
  if (!(f.immh! & 0b1100)) return false; // FP16 or not a shift
  const e = f.immh! & 8 ? 64 : 32;
  return scalar || !(e === 64 && f.Q === 0);
}

function fixedSem(f: Fields, b: Builder, scalar: boolean): void {
  const e = f.immh! & 8 ? 64 : 32, fbits = 2 * e - ((f.immh! << 3) | f.immb!), F = fns(b, e);
  const scale = (k: number) => (e === 32 ? vsplatc(b, 32, BigInt(127 + k) << 23n) : vsplatc(b, 64, BigInt(1023 + k) << 52n));
  const x = vget(b, f.rn!), sg = !f.U;
  const form: Form = { q: scalar ? 0 : f.Q!, esize: e, scalar }, count = scalar ? 1 : (form.q ? 128 : 64) / e;
  if (f.opcode === 0b11100) {
    // the integer rounds once; scaling by 2^-fbits is then exact (no result is that small)
    const S = e === 64 ? b.m.f64 : b.m.f32;
    const strict = (i: number) => S.mul(strictFromInt(b, e, lane(b, x(), e, i, sg), f.U!), S.const(2 ** -fbits));
    return writeForm(b, f.rd!, strictLanes(b, e, count, strict, F.mul(fromInt(b, e, sg, x()), scale(-fbits))), form);
  }
  // ×2^fbits is exact (or overflows to ∞, which saturates the same way)
  const strict = (i: number) => strictToInt(b, e, fl(b, e, x, i), 3, f.U!, fbits);
  writeForm(b, f.rd!, strictLanes(b, e, count, strict, toInt(b, e, sg, F.mul(x(), scale(fbits))), true), form);
}

const fixed = [
  row('SIMD_fixed_cvt', '0 Q U 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', (f, b) => fixedSem(f, b, false), {
    guard: (f) => (f.opcode === 0b11100 || f.opcode === 0b11111) && fixedGuard(f, false),
  }),
  row('SIMD_fixed_cvt_scalar', '01 U 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', (f, b) => fixedSem(f, b, true), {
    guard: (f) => (f.opcode === 0b11100 || f.opcode === 0b11111) && fixedGuard(f, true),
  }),
];

export const simdFpRows: Row[] = [...three, pairScalar, acrossFp, ...misc, ...byElem, ...fixed];
