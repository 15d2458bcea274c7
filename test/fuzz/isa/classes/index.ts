// The fuzz classes, in the order reports list them.
import type { FuzzClass } from '../generate.ts';
import { atomicClass } from './atomic.ts';
import { branchClass } from './branch.ts';
import { cryptoClass } from './crypto.ts';
import { fpClass } from './fp.ts';
import { intClass } from './int.ts';
import { exclusiveMonitor, ldstClass } from './ldst.ts';
import { simdFp16FpcrUnit, simdFpClass } from './simd-fp.ts';
import { simdFcmaBf16Class } from './simd-fcma-bf16.ts';
import { simdIntClass } from './simd-int.ts';

export const CLASSES: FuzzClass[] = [intClass, branchClass, ldstClass, fpClass, simdIntClass, simdFpClass, simdFcmaBf16Class, cryptoClass, atomicClass];

/**
 * What the fuzzer runs: each class without its `ext` templates, and each extension (templates the
 * translator does not implement yet, or a known difference) as a unit of its own, so that a class
 * can be complete while an extension is still missing.
 */
export function fuzzUnits(): FuzzClass[] {
  const units: FuzzClass[] = [];
  for (const cls of CLASSES) {
    if (cls.templates.some((t) => !t.ext)) units.push(cls);
    for (const ext of new Set(cls.templates.flatMap((t) => (t.ext ? [t.ext] : []))))
      units.push({ ...cls, name: ext, templates: cls.templates.filter((t) => t.ext === ext).map(({ ext: _, ...t }) => t) });
  }
  // load/store exclusives only, with CLREX: the monitor's states, each sequence from an open monitor
  units.push({ ...ldstClass, name: 'exclusive-monitor', templates: exclusiveMonitor });
  // Advanced SIMD FP under every FPCR rounding mode, flush-to-zero and default-NaN, FPSR compared
  // (src/arch/aarch64/simd-fp-strict.ts: lane by lane once FPCR/FPSR was written)
  units.push({ ...simdFpClass, name: 'simd-fp-fpsr', strictFp: 'always', fpcr: true });
  // scalar FP under every FPCR rounding mode, flush-to-zero and default-NaN
  units.push({ ...fpClass, name: 'fp-fpcr', strictFp: 'always', fpcr: true });
  // Advanced SIMD integer with FPSR compared: the saturating instructions' QC (src/arch/aarch64/saturation.ts)
  units.push({ ...simdIntClass, name: 'simd-int-fpsr', strictFp: 'always' });
  // Advanced SIMD half precision under every FPCR rounding mode, FZ16 and default-NaN, FPSR compared
  units.push(simdFp16FpcrUnit);
  // FCADD/FCMLA and BFloat16 under every FPCR rounding mode, FZ, FZ16 and DN, FPSR compared
  units.push({ ...simdFcmaBf16Class, name: 'simd-fcma-bf16-fpcr', strictFp: 'always', fpcr: true });
  return units;
}
