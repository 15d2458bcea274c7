// Shared Wasm helper functions used by A64 semantics (exact FMA etc.), added once per module.
import type * as ir from '../../wasm/ir.ts';
import { fpHelpers } from './fp-helpers.ts';
import { fpStrictHelpers } from './fp-strict.ts';
import { fp16Helpers } from './fp16-arith.ts';
import { cryptoHelpers } from './crypto-ops.ts';
import { smHelpers } from './sm-ops.ts';
import { crcHelpers } from './table/crc.ts';
import { rintIntHelpers } from './table/frint-int.ts';
import { estimateHelpers } from './fp-estimate.ts';
import { bf16Helpers } from './bf16-ops.ts';

export const helpers: Record<string, (m: ir.Module, name: string) => void> = {
  // scalar floating point: NaN rules, fused multiply-add, half-precision conversions, FJCVTZS
  ...fpHelpers,
  // the same honouring FPCR (rounding mode, FZ, DN) and raising the FPSR flags (fp-strict.ts)
  ...fpStrictHelpers,
  // half-precision arithmetic, always honouring FPCR (fp16-arith.ts)
  ...fp16Helpers,
  // AES, SHA-1/256/512 rounds, 64-bit carry-less multiply (crypto-ops.ts)
  ...cryptoHelpers,
  // SM3 and SM4 (sm-ops.ts)
  ...smHelpers,
  // CRC32/CRC32C (table/crc.ts)
  ...crcHelpers,
  // FRINT32/64 honouring FPCR (table/frint-int.ts)
  ...rintIntHelpers,
  // FRECPE/FRSQRTE/FRECPX/FRECPS/FRSQRTS lanes (fp-estimate.ts)
  ...estimateHelpers,
  // BFDOT/BFMMLA's BFDotAdd (bf16-ops.ts)
  ...bf16Helpers,
};
