// The fused multiply-add (FMADD and friends) as Wasm helper functions: the host's fused op when
// it is there and proven fused, else an exact software FMA (fmaExactCore is shared with the
// FPCR-honouring version in fp-strict-fma.ts).
import * as ir from '../../wasm/ir.ts';
import type { Builder, Expr } from '../../lift/types.ts';
import { callH, FD, Fn, fo, FS, L, nan3, type FPKind, type Var } from './fp-ops.ts';

const I64 = ir.i64, F32 = ir.f32, F64 = ir.f64;

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
function fmaDouble(m: ir.Module, name: string): void {
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
    ...hardwareFirst(m, r, [a, b, c]),
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
 * FPMulAdd(a, x, y) = x·y + a, fused, on the default-FPCR path: the engine's fused op (engineFma)
 * straight from the translated code when there is one (`hwfma`, as in hardwareFirst), the
 * fp_fmadd helper for NaN results and when there is none. Inline, because going through the
 * helper to reach the import doubled the cost of FMADD-heavy loops (a call is not inlined).
 * The operand getters must be pure: the fallback evaluates them again.
 */
export function fusedMulAdd(b: Builder, k: FPKind, x: () => Expr, y: () => Expr, a: () => Expr): Expr {
  const m = b.m, soft = () => softFma(b, k, x, y, a);
  if (!m.getGlobal('hwfma')) return soft();
  const r = b.temp(k.t), get = () => m.local.get(r, k.t);
  return m.hint(m.if(m.global.get('hwfma', ir.i32), m.block(null, [
    m.local.set(r, engineFma(m, k.t, [x(), y(), a()])),
    m.hint(m.if(fo(m, k).eq(get(), get()), get(), soft()), true),
  ], k.t), soft()), true);
}

/**
 * FMADD as a whole: the FPCR-honouring way once the guest asked for it (`strict`), else
 * fusedMulAdd. With relaxed SIMD the engine's result is computed first and one unlikely branch
 * (a NaN, no fused op in the engine, or strict) leaves the fast path, where fusedMulAdd under
 * orStrict had three. The operand getters must be pure: the other paths evaluate them again.
 */
export function fusedMulAddOrStrict(b: Builder, k: FPKind, x: () => Expr, y: () => Expr, a: () => Expr, strict: StrictArm): Expr {
  const m = b.m;
  if (!relaxedSimd(m) || !m.getGlobal('hwfma')) return m.hint(m.if(strict.on(), strict.value(), fusedMulAdd(b, k, x, y, a)), false);
  const r = b.temp(k.t), get = () => m.local.get(r, k.t), F = fo(m, k);
  const slow = m.i32.or(m.i32.or(F.ne(get(), get()), m.i32.eqz(m.global.get('hwfma', ir.i32))), strict.on());
  return m.block(null, [
    m.local.set(r, engineFma(m, k.t, [x(), y(), a()])),
    m.hint(m.if(slow, m.if(strict.on(), strict.value(), softFma(b, k, x, y, a)), get()), false),
  ], k.t);
}

/** the exact software FMA with the AArch64 NaN rules (fp_fmadd helper) */
const softFma = (b: Builder, k: FPKind, x: () => Expr, y: () => Expr, a: () => Expr): Expr => callH(b, `fp_fmadd_${k.sfx}`, [x(), y(), a()], k.t);

/** whether `m` may use relaxed SIMD (TranslateOptions.relaxedSimd sets the module's feature) */
const relaxedSimd = (m: ir.Module): boolean => (m.getFeatures() & ir.Features.RelaxedSIMD) !== 0;

/** x·y + a on every `esize`-bit lane of v128 operands, by relaxed_madd */
function relaxedMadd(m: ir.Module, esize: number, x: Expr, y: Expr, a: Expr): Expr {
  return m.relaxedMadd(esize === 32 ? 32 : 64, x, y, a);
}

/**
 * The engine's fused multiply-add x·y + a of `args` ([x, y, a], all of type `t`), for code that
 * checked `hwfma`: relaxed SIMD's relaxed_madd on lane 0 when the module may use relaxed SIMD
 * (TranslateOptions.relaxedSimd), which V8 compiles inline to one FMA instruction, else a call of
 * the runtime's import (runtime/fma.ts), which it cannot inline.
 */
function engineFma(m: ir.Module, t: ir.Type, [x, y, a]: Expr[]): Expr {
  const double = t === F64;
  if (!relaxedSimd(m)) return m.call(double ? 'fma64' : 'fma32', [x!, y!, a!], t);
  const v = double ? m.f64x2 : m.f32x4;
  return v.extract_lane(relaxedMadd(m, double ? 64 : 32, v.splat(x!), v.splat(y!), v.splat(a!)), 0);
}

/**
 * FMLA on a whole vector when the module may use relaxed SIMD and the engine's fused multiply-add
 * is there (`hwfma`): x·y + a on every lane (of `esize` bits) by one relaxed_madd; a NaN in any
 * lane takes `lanes` instead (lane by lane, with the AArch64 NaN rules), as does an engine without
 * the fused op, and the FPCR-honouring way (`strict`) once the guest asked for it. Undefined when
 * the module may not use relaxed SIMD.
 */
export function fusedMulAddVector(b: Builder, esize: number, x: () => Expr, y: () => Expr, a: () => Expr, lanes: () => Expr, strict: StrictArm): Expr | undefined {
  const m = b.m;
  if (!relaxedSimd(m) || !m.getGlobal('hwfma')) return undefined;
  const V = esize === 32 ? m.f32x4 : m.f64x2;
  const r = b.temp(ir.v128), get = () => m.local.get(r, ir.v128);
  const fast = m.i32.and(m.global.get('hwfma', ir.i32), m.i32.eqz(m.v128.any_true(V.ne(get(), get()))));
  // computed either way (an unfused engine's result is just not used): `lanes` is emitted once;
  // the strict test joins the fast path's, which keeps a single branch
  return m.block(null, [
    m.local.set(r, relaxedMadd(m, esize, x(), y(), a())),
    m.hint(m.if(m.i32.and(fast, m.i32.eqz(strict.on())), get(), m.if(strict.on(), strict.value(), lanes())), true),
  ], ir.v128);
}

/** the FPCR-honouring way of an operation (fp-strict.ts): whether it is taken, and its result */
export interface StrictArm { on: () => Expr; value: () => Expr }

/**
 * When the runtime found a fused multiply-add in the engine (module global `hwfma`, import
 * `fma64`/`fma32`, see src/runtime/fma.ts), use it and return unless the result is a NaN, whose
 * AArch64 payload the software path below works out. Modules without that import (unit-test
 * harnesses) get the software path only.
 */
function hardwareFirst(m: ir.Module, r: Var, args: (() => Expr)[]): Expr[] {
  if (!m.getGlobal('hwfma')) return [];
  const t = m.typeOf(args[0]!());
  const eq = t === F64 ? m.f64.eq : m.f32.eq;
  return [m.if(m.global.get('hwfma', ir.i32), m.block(null, [
    r.set(engineFma(m, t, args.map((a) => a()))),
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
function fmaDoubleExact(m: ir.Module, name: string): void {
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
function fmaSingle(m: ir.Module, name: string): void {
  const fn = new Fn(m, [F32, F32, F32]), f = m.f64, i = m.i64;
  const p = fn.local(F64), c = fn.local(F64), s = fn.local(F64), z = fn.local(F64), e = fn.local(F64);
  const S = fn.local(I64), r = fn.local(F32);
  fn.add(name, F32, [
    ...hardwareFirst(m, r, [() => fn.p(0), () => fn.p(1), () => fn.p(2)]),
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

export const fmaHelpers: Record<string, (m: ir.Module, name: string) => void> = {
  fp_fmadd_s: fmaSingle, fp_fmadd_d: fmaDouble,
};
