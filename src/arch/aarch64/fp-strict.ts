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
import type { Builder, Expr } from '../../lift/types.ts';
import { STATE } from '../../runtime/layout.ts';
import { strictArith } from './fp-strict-arith.ts';
import type { Factory } from './fp-strict-core.ts';
import { strictCvt } from './fp-strict-cvt.ts';
import { strictFma } from './fp-strict-fma.ts';

export const fpStrictHelpers: Record<string, Factory> = { ...strictArith, ...strictFma, ...strictCvt };

/** i32: non-zero once the guest has written FPCR or FPSR */
export const isStrict = (b: Builder): Expr => b.m.i32.load(0, 4, b.m.i32.const(STATE.fpStrict));

/** `strict` once the guest has written FPCR or FPSR, else `fast` (both evaluated lazily) */
export const orStrict = (b: Builder, strict: Expr, fast: Expr): Expr => b.m.if(isStrict(b), strict, fast);
