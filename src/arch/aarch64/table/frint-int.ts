// FRINT32Z/FRINT32X/FRINT64Z/FRINT64X (FEAT_FRINTTS), scalar and vector: round to an integral
// value that fits a 32- or 64-bit integer (Z: toward zero; X: in FPCR.RMode), as the Arm ARM's
// FPRoundIntN does. A NaN, an infinity or a result out of the integer's range gives the most
// negative integer of that size (as a float) and Invalid Operation; otherwise an inexact result
// raises Inexact. Zero keeps its sign.
//
// The fast path is a Wasm trunc/nearest and a range test; the scalar forms take the strict helper
// fps_rintn_{s,d} once the guest has written FPCR/FPSR (fp-strict.ts), the vector forms a lane at a
// time (simd-fp-strict.ts).
import * as ir from '../../../wasm/ir.ts';
import { row, type Row } from '../decoder.ts';
import type { Builder } from '../../../lift/types.ts';
import { i32c, tmp } from '../ops.ts';
import { callH, FD, Fn, fo, FS, readF, writeF, type FPKind } from '../fp-ops.ts';
import { type Factory, flushIn, IOC, IXC, loadFpcr, modeOf, param, raise, raiseIf } from '../fp-strict-core.ts';
import { roundBy } from '../fp-strict-cvt.ts';
import { orStrict } from '../fp-strict.ts';
import { VR, fns, vget, vsplatc, vtmp, writeV } from '../simd-ops.ts';
import { fl as laneF, strictLanes } from '../simd-fp-strict.ts';

const I32 = ir.i32, F64 = ir.f64;

/** 2^(intsize-1): the bound of the integer's range, whose negation is the out-of-range result */
const bound = (i64: number) => (i64 ? 2 ** 63 : 2 ** 31);
const fconst = (b: Builder, k: FPKind, v: number) => (k.bits === 64 ? b.m.f64.const(v) : b.m.f32.const(v));
/** float bits of -2^(intsize-1) */
const minBits = (esize: number, i64: number) => (esize === 32 ? (i64 ? 0xdf000000n : 0xcf000000n) : (i64 ? 0xc3e0000000000000n : 0xc1e0000000000000n));

/** fps_rintn(x, type): type bit 0 = X (FPCR.RMode, else toward zero), bit 1 = 64-bit range */
function rintN(k: FPKind): Factory {
  return (m, name) => {
    const fn = new Fn(m, [k.t, I32]), x = param(fn, 0), type = () => fn.p(1), f = m.f64, i32 = m.i32;
    const ctl = fn.local(I32), mode = fn.local(I32), v = fn.local(F64), r = fn.local(F64), lim = fn.local(F64);
    fn.add(name, k.t, [
      ctl.set(loadFpcr(m)),
      flushIn(m, k, x, ctl),
      mode.set(m.select(i32.and(type(), i32.const(1)), modeOf(m, ctl.get()), i32.const(3))),
      v.set(k.bits === 64 ? x.get() : f.promote(x.get())),
      lim.set(m.select(i32.and(type(), i32.const(2)), f.const(2 ** 63), f.const(2 ** 31))),
      roundBy(m, mode, v, r), // a single's integral value is exact as a double, and back
      // NaN and ∞ fail the range test too
      m.if(i32.eqz(i32.and(f.ge(r.get(), f.neg(lim.get())), f.lt(r.get(), lim.get()))),
        m.block(null, [raise(m, i32.const(IOC)), r.set(f.neg(lim.get()))]),
        raiseIf(m, f.ne(r.get(), v.get()), IXC)),
      k.bits === 64 ? r.get() : m.f32.demote(r.get()),
    ]);
  };
}

export const rintIntHelpers: Record<string, Factory> = { fps_rintn_s: rintN(FS), fps_rintn_d: rintN(FD) };

export const rintIntRows: Row[] = [
  // FRINT32Z/32X/64Z/64X Sd, Sn / Dd, Dn
  row('FRINT_N', '000 11110 0 dbl 1 0100 i64 x 10000 rn:5 rd:5', (f, b) => {
    const k = f.dbl ? FD : FS, F = fo(b.m, k), x = tmp(b, k.t, readF(b, k, f.rn!)), lim = bound(f.i64!);
    const r = tmp(b, k.t, f.x ? F.nearest(x()) : F.trunc(x()));
    const fast = b.m.select(b.m.i32.and(F.ge(r(), fconst(b, k, -lim)), F.lt(r(), fconst(b, k, lim))), r(), fconst(b, k, -lim));
    writeF(b, k, f.rd!, orStrict(b, callH(b, `fps_rintn_${k.sfx}`, [x(), i32c(b, f.x! | (f.i64! << 1))], k.t), fast));
  }),
  // FRINT32Z/32X/64Z/64X Vd.{2S,4S,2D}, Vn (U = X)
  row('FRINT_N_vector', '0 Q x 01110 0 sz 10000 1111 i64 10 rn:5 rd:5', (f, b) => {
    const e = f.sz ? 64 : 32, F = fns(b, e), m = b.m, lim = bound(f.i64!);
    const r = vtmp(b, f.x ? F.nearest(b.get(VR(f.rn!))) : F.trunc(b.get(VR(f.rn!))));
    const fl = (v: number) => F.splat(e === 64 ? m.f64.const(v) : m.f32.const(v));
    const ok = m.v128.and(F.ge(r(), fl(-lim)), F.lt(r(), fl(lim)));
    const k = e === 64 ? FD : FS, strict = (i: number) => callH(b, `fps_rintn_${k.sfx}`, [laneF(b, e, vget(b, f.rn!), i), i32c(b, f.x! | (f.i64! << 1))], k.t);
    writeV(b, f.rd!, strictLanes(b, e, (f.Q ? 128 : 64) / e, strict, m.v128.bitselect(r(), vsplatc(b, e, minBits(e, f.i64!)), ok)), f.Q!);
  }, { guard: (f) => !(f.sz && !f.Q) }),
];
