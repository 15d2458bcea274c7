// FPCR/FPSR-honouring scalar floating point: the helper registry (spread into helpers.ts) and
// the lifting-time switch between the fast path and the strict helpers.
//
// Translated code keeps the round-to-nearest, flag-free fast path of table/fp.ts until the
// guest writes FPCR or FPSR (MSR, table/branch.ts), which sets the sticky state word
// STATE.fpStrict. Every scalar FP instruction whose result depends on FPCR or that can raise
// an exception is emitted as `if (fpStrict) <strict helper call> else <fast path>`: one load
// and a well-predicted branch on the fast path. The strict helpers (fp-strict-*.ts) implement
// FPCR.RMode, FZ and DN and OR IOC/DZC/OFC/UFC/IXC/IDC into FPSR as the Arm ARM's FPRoundBase,
// FPProcessNaNs, FPToFixed etc. do.
//
// Advanced SIMD FP makes the same choice per instruction, its strict arm a lane at a time through
// these helpers (simd-fp-strict.ts). Not covered: exceptions raised before the first write are
// not in FPSR (glibc's feclearexcept only writes FPSR when a flag to clear is set, so a program
// that merely reads FPSR first sees no flags until it writes FPCR/FPSR). FPCR.AH/FIZ/NEP (FEAT_AFP), AHP and
// trapped exceptions are not modelled (FZ16: the half-precision helpers of fp16-arith.ts).
import type { Builder, Expr } from '../../lift/types.ts';
import { STATE } from '../../runtime/layout.ts';
import { fo, type FPKind } from './fp-ops.ts';
import { strictArith } from './fp-strict-arith.ts';
import type { Factory } from './fp-strict-core.ts';
import { strictCvt } from './fp-strict-cvt.ts';
import { strictFma } from './fp-strict-fma.ts';
import { tmp } from './ops.ts';

export const fpStrictHelpers: Record<string, Factory> = { ...strictArith, ...strictFma, ...strictCvt };

/** i32: non-zero once the guest has written FPCR or FPSR */
export const isStrict = (b: Builder): Expr => b.m.i32.load(0, 4, b.m.i32.const(STATE.fpStrict));

/** `strict` once the guest has written FPCR or FPSR, else `fast` (both evaluated lazily) */
export const orStrict = (b: Builder, strict: Expr, fast: Expr): Expr => b.m.hint(b.m.if(isStrict(b), strict, fast), false);

/**
 * The fast result `r` (a plain Wasm op) unless it is a NaN or the guest has written FPCR/FPSR:
 * then `strict()` or `onNaN()`. The strict test joins the fast path's NaN test, so the fast path
 * still has a single branch.
 */
export function nanOrStrict(b: Builder, k: FPKind, r: Expr, onNaN: () => Expr, strict: () => Expr): Expr {
  const m = b.m, F = fo(m, k), t = tmp(b, k.t, r);
  return m.hint(m.if(m.i32.or(F.ne(t(), t()), isStrict(b)), m.if(isStrict(b), strict(), onNaN()), t()), false);
}
