// Building blocks of the FPCR/FPSR-honouring ("strict") scalar FP helpers, used once the guest
// has written FPCR or FPSR (STATE.fpStrict): FPCR.RMode (bits 23:22), FZ (24), DN (25) and the
// cumulative FPSR flags IOC, DZC, OFC, UFC, IXC, IDC.
//
// The central idea: a helper computes the round-to-nearest result r with the plain Wasm op and
// the sign of the exact error (exact − r), from an error-free transformation or the exact FMA
// residual; `fps_adj_*` then turns (r, error sign) into the result of the FPCR rounding mode
// (stepping r by one ulp through its bit pattern) and raises IXC, UFC and OFC as FPRoundBase
// does: tininess is detected *before* rounding (FPCR.AH = 0), underflow is only flagged when the
// result is inexact, FZ flushes tiny results to zero with UFC and no IXC.
import * as ir from '../../wasm/ir.ts';
import { helperId, type Expr } from '../../lift/types.ts';
import { STATE } from '../../runtime/layout.ts';
import { fpHelpers } from './fp-helpers.ts';
import { bitOps, FD, Fn, fo, fromBits, L, toBits, type FPKind, type Var } from './fp-ops.ts';

const I32 = ir.i32, I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;
type T = ir.Type;
type M = ir.Module;
export type Factory = (m: M, name: string) => void;

export const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
export const FZ = 1 << 24, DN = 1 << 25, FZ16 = 1 << 19, AHP = 1 << 26;
export const RM_UP = 1, RM_DOWN = 2, RM_ZERO = 3;

/** the FPCR word */
export const loadFpcr = (m: M): Expr => m.i32.load(0, 4, m.i32.const(STATE.fpcr));
/** FPSR |= flags */
export const raise = (m: M, flags: Expr): Expr =>
  m.i32.store(0, 4, m.i32.const(STATE.fpsr), m.i32.or(m.i32.load(0, 4, m.i32.const(STATE.fpsr)), flags));
export const raiseIf = (m: M, cond: Expr, flag: number): Expr => m.if(cond, raise(m, m.i32.const(flag)));
/** FPCR.RMode of a loaded FPCR word */
export const modeOf = (m: M, ctl: Expr): Expr => m.i32.and(m.i32.shr_u(ctl, m.i32.const(22)), m.i32.const(3));
export const bitSet = (m: M, ctl: Expr, bit: number): Expr => m.i32.ne(m.i32.and(ctl, m.i32.const(bit)), m.i32.const(0));
/** -1, 0, 1 as i32: the sign of a float (0 for ±0 and NaN) */
export const sgn = (m: M, k: FPKind, e: () => Expr): Expr => m.i32.sub(fo(m, k).gt(e(), fc(m, k, 0)), fo(m, k).lt(e(), fc(m, k, 0)));
export const fc = (m: M, k: FPKind, v: number): Expr => (k.bits === 64 ? m.f64.const(v) : m.f32.const(v));

/** a parameter of `fn` as a variable */
export const param = (fn: Fn, i: number): Var => {
  const m = fn.m, t = fn.params[i]!;
  return { get: () => m.local.get(i, t), set: (v) => m.local.set(i, v), tee: (v) => m.local.tee(i, v, t) };
};

/** A helper used by another helper and not in the helper registry, added once per module. */
export function dep(m: M, key: string, make: Factory): string {
  const id = `fpsdep_${key}`;
  if (!m.getFunction(id)) make(m, id);
  return id;
}
/** a registered scalar FP helper used by another helper: the same function the lifter calls */
export function depFp(m: M, key: string): string {
  const id = helperId(key);
  if (!m.getFunction(id)) fpHelpers[key]!(m, id);
  return id;
}

/** FZ: a subnormal operand becomes a zero of its sign, raising IDC */
export function flushIn(m: M, k: FPKind, x: Var, ctl: Var): Expr {
  const o = bitOps(m, k), X = () => toBits(m, k, x.get());
  return m.if(m.i32.and(bitSet(m, ctl.get(), FZ), o.i.lt_u(o.i.sub(o.abs(X()), o.c(1n)), o.c((1n << BigInt(k.fracBits)) - 1n))),
    m.block(null, [x.set(fromBits(m, k, o.i.and(X(), o.c(k.sign)))), raise(m, m.i32.const(IDC))]));
}

/**
 * Returns the NaN result of a two-operand op whose round-to-nearest result was a NaN: IOC when
 * an operand is a signalling NaN or neither is a NaN (∞ − ∞, 0 × ∞, 0 / 0 ...); the default NaN
 * when FPCR.DN is set, else FPProcessNaNs (`nanHelper`, e.g. fp_nan2_d).
 */
export function nanOut2(m: M, k: FPKind, a: Var, b: Var, ctl: Var, nanHelper = `fp_nan2_${k.sfx}`): Expr {
  const o = bitOps(m, k), A = () => toBits(m, k, a.get()), B = () => toBits(m, k, b.get());
  return m.block(null, [
    raiseIf(m, m.i32.or(m.i32.or(o.isSNaN(A), o.isSNaN(B)), m.i32.and(m.i32.eqz(o.isNaN(A())), m.i32.eqz(o.isNaN(B())))), IOC),
    m.return(m.if(bitSet(m, ctl.get(), DN), fromBits(m, k, o.c(k.dnan)), m.call(depFp(m, nanHelper), [a.get(), b.get()], k.t))),
  ]);
}

/** |x| is ∞ or NaN (f32/f64 expression, used twice: pass a getter) */
export const nonFinite = (m: M, k: FPKind, x: () => Expr): Expr => {
  const o = bitOps(m, k);
  return o.i.ge_u(o.abs(toBits(m, k, x())), o.c(k.inf));
};

// ---------------------------------------------------------------------------------------------
// fps_adj_{h,h16,bf,s,d}(bits r, i32 err, i32 big, i32 fpcr) → bits: the result in FPCR.RMode

/** a float format by its bits: half and single in i32, double in i64 */
interface BitFmt { sfx: 'h' | 'bf' | 's' | 'd'; it: T; width: number; frac: number; fz: number }
const BH: BitFmt = { sfx: 'h', it: I32, width: 16, frac: 10, fz: 0 }; // conversions to half never flush (FPRoundCV)
const BS: BitFmt = { sfx: 's', it: I32, width: 32, frac: 23, fz: FZ };
const BD: BitFmt = { sfx: 'd', it: I64, width: 64, frac: 52, fz: FZ };
const BH16: BitFmt = { ...BH, fz: FZ16 }; // half-precision arithmetic flushes by FZ16 (FPRound)
const BF16: BitFmt = { sfx: 'bf', it: I32, width: 16, frac: 7, fz: FZ }; // BFloat16 (FPRoundBF: N = 32, so FZ)

/**
 * fps_adj: r is the round-to-nearest result of an operation on finite operands (possibly ±0,
 * subnormal or ±∞ by overflow) and err the sign of (exact − r): -1, 0, 1. For r = ±∞ err is
 * ignored and `big` says whether |exact| ≥ 2^(emax+1), i.e. whether rounding towards zero
 * overflows as well. Returns the bits of the result rounded as FPCR.RMode says (FPCR passed in),
 * ORing IXC, UFC and OFC into FPSR.
 */
function adjust(F: BitFmt): Factory {
  return (m, name) => {
    const fn = new Fn(m, [F.it, I32, I32, I32]);
    const i = F.it === I64 ? m.i64 : (m.i32 as unknown as ir.Module['i64']);
    const c = (v: bigint) => (F.it === I64 ? m.i64.const(BigInt.asIntN(64, v)) : m.i32.const(Number(BigInt.asIntN(32, v))));
    const signBit = 1n << BigInt(F.width - 1), inf = ((1n << BigInt(F.width - 1 - F.frac)) - 1n) << BigInt(F.frac);
    const minNormal = 1n << BigInt(F.frac);
    const R = () => fn.p(0), err = () => fn.p(1), big = () => fn.p(2), ctl = () => fn.p(3);
    const A = fn.local(F.it), S = fn.local(F.it), s = fn.local(I32), mode = fn.local(I32), away = fn.local(I32), tiny = fn.local(I32);
    const awayMode = fn.local(I32), move = fn.local(I32);
    const i32 = m.i32, k = (v: number) => i32.const(v);
    const fzOn = () => (F.fz ? bitSet(m, ctl(), F.fz) : k(0));
    fn.add(name, F.it, [
      mode.set(modeOf(m, ctl())),
      S.set(i.and(R(), c(signBit))),
      s.set(i.ne(S.get(), c(0n))),
      A.set(i.and(R(), c(signBit - 1n))),
      // rounding away from zero for this sign: nearest, or RP for +, RM for -
      awayMode.set(i32.or(i32.eqz(mode.get()), i32.eq(mode.get(), i32.add(s.get(), k(1))))),
      m.if(i.eq(A.get(), c(inf)), m.block(null, [
        raise(m, i32.or(k(IXC), m.select(i32.or(awayMode.get(), big()), k(OFC), k(0)))),
        m.return(m.select(awayMode.get(), R(), i.or(S.get(), c(inf - 1n)))),
      ])),
      m.if(i32.eqz(err()), m.block(null, [
        // exact, but FZ flushes a subnormal result
        m.if(i32.and(fzOn(), i32.and(i.ne(A.get(), c(0n)), i.lt_u(A.get(), c(minNormal)))),
          m.block(null, [raise(m, k(UFC)), m.return(S.get())])),
        m.return(R()),
      ])),
      // the exact value lies further from zero than r
      away.set(i32.xor(i32.gt_s(err(), k(0)), s.get())),
      tiny.set(i32.or(i.lt_u(A.get(), c(minNormal)), i32.and(i.eq(A.get(), c(minNormal)), i32.eqz(away.get())))),
      m.if(i32.and(tiny.get(), fzOn()), m.block(null, [raise(m, k(UFC)), m.return(S.get())])),
      move.set(m.if(i32.eq(mode.get(), k(RM_UP)), i32.gt_s(err(), k(0)),
        m.if(i32.eq(mode.get(), k(RM_DOWN)), i32.lt_s(err(), k(0)),
          m.if(i32.eq(mode.get(), k(RM_ZERO)), i32.eqz(away.get()), k(0))))),
      m.if(move.get(), A.set(m.select(away.get(), i.add(A.get(), c(1n)), i.sub(A.get(), c(1n))))),
      raise(m, i32.or(i32.or(k(IXC), m.select(tiny.get(), k(UFC), k(0))), m.select(i.eq(A.get(), c(inf)), k(OFC), k(0)))),
      i.or(S.get(), A.get()),
    ]);
  };
}

const adjOf = { s: adjust(BS), d: adjust(BD), h: adjust(BH), h16: adjust(BH16), bf: adjust(BF16) };
/** call of fps_adj for the kind (h16: half precision with FZ16; bf: BFloat16): bits in, bits out */
export const callAdj = (m: M, sfx: keyof typeof adjOf, bits: Expr, err: Expr, big: Expr, ctl: Expr): Expr =>
  m.call(dep(m, `adj_${sfx}`, adjOf[sfx]), [bits, err, big, ctl], sfx === 'd' ? I64 : I32);
/** fps_adj on a float of the kind */
export const adjF = (m: M, k: FPKind, r: Expr, err: Expr, big: Expr, ctl: Expr): Expr =>
  fromBits(m, k, callAdj(m, k.sfx, toBits(m, k, r), err, big, ctl));

/**
 * fps_adj inlined for its common case: rounding to nearest without FZ and r normal (above the
 * smallest normal, which may be tiny before rounding): r, with IXC when err ≠ 0; else the call.
 */
export function adjFast(m: M, k: FPKind, r: Var, err: () => Expr, ctl: Var): Expr {
  const o = bitOps(m, k), minNormal = 1n << BigInt(k.fracBits), i32 = m.i32;
  const plain = i32.and(i32.eqz(i32.and(ctl.get(), i32.const((3 << 22) | FZ))),
    o.i.lt_u(o.i.sub(o.abs(toBits(m, k, r.get())), o.c(minNormal + 1n)), o.c(k.inf - minNormal - 1n)));
  return m.if(plain, m.block(null, [raiseIf(m, i32.ne(err(), i32.const(0)), IXC), r.get()], k.t),
    adjF(m, k, r.get(), err(), i32.const(0), ctl.get()));
}

/**
 * fps_round_s(f64 v, i32 fpcr) → f32: a finite double rounded to single in FPCR.RMode, with
 * flags. Also the last step of the single-precision ops, which compute their exact result
 * rounded to odd in double (53 ≥ 24 + 2 bits: rounding that again is as good as rounding once).
 */
export function roundS(m: M, name: string): void {
  const fn = new Fn(m, [F64, I32]), v = () => fn.p(0), r = fn.local(F32), d = fn.local(F64);
  fn.add(name, F32, [
    r.set(m.f32.demote(v())),
    d.set(m.f64.sub(v(), m.f64.promote(r.get()))), // exact (or ∓∞ when r overflowed: then unused)
    m.f32.reinterpret(callAdj(m, 's', m.i32.reinterpret(r.get()), sgn(m, FD, d.get),
      m.f64.ge(m.f64.abs(v()), m.f64.const(2 ** 128)), fn.p(1))),
  ]);
}

/**
 * fps_round_h(f64 v, i32 fpcr) → i32: a finite double rounded to half in FPCR.RMode, with flags;
 * `sfx` h16 also flushes a tiny result by FZ16 (arithmetic, where conversions do not flush)
 */
const roundHalf = (sfx: 'h' | 'h16'): Factory => (m, name) => {
  const fn = new Fn(m, [F64, I32]), v = () => fn.p(0), r = fn.local(I32), d = fn.local(F64);
  fn.add(name, I32, [
    r.set(m.call(depFp(m, 'fp_d2h'), [v()], I32)),
    d.set(m.f64.sub(v(), m.call(depFp(m, 'fp_h2d'), [r.get()], F64))),
    callAdj(m, sfx, r.get(), sgn(m, FD, d.get), m.f64.ge(m.f64.abs(v()), m.f64.const(65536)), fn.p(1)),
  ]);
};
export const roundH = roundHalf('h');

export const callRoundS = (m: M, v: Expr, ctl: Expr): Expr => m.call(dep(m, 'round_s', roundS), [v, ctl], F32);
export const callRoundH = (m: M, v: Expr, ctl: Expr): Expr => m.call(dep(m, 'round_h', roundH), [v, ctl], I32);
export const callRoundH16 = (m: M, v: Expr, ctl: Expr): Expr => m.call(dep(m, 'round_h16', roundHalf('h16')), [v, ctl], I32);

/**
 * s + e (s = RN(s + e), e the exact error, both doubles) rounded to odd: s, or when inexact and
 * s is even, the neighbour of s on the side of e. Returns the bits as an i64 expression.
 */
export function toOdd(m: M, s: () => Expr, e: () => Expr): Expr {
  const S = m.i64.reinterpret(s());
  return m.if(m.i32.and(m.f64.ne(e(), m.f64.const(0)), m.i64.eqz(m.i64.and(m.i64.reinterpret(s()), L(m, 1)))),
    m.i64.add(S, m.i64.or(m.i64.shr_s(m.i64.xor(m.i64.reinterpret(s()), m.i64.reinterpret(e())), L(m, 63)), L(m, 1))),
    m.i64.reinterpret(s()));
}

