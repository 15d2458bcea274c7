// Shared Wasm helper functions used by A64 semantics (exact FMA etc.), added once per module.
import type binaryen from 'binaryen';
import { fpHelpers } from './fp-helpers.ts';
import { fpStrictHelpers } from './fp-strict.ts';

export const helpers: Record<string, (m: binaryen.Module, name: string) => void> = {
  // scalar floating point: NaN rules, fused multiply-add, half-precision conversions, FJCVTZS
  ...fpHelpers,
  // the same honouring FPCR (rounding mode, FZ, DN) and raising the FPSR flags (fp-strict.ts)
  ...fpStrictHelpers,
};
