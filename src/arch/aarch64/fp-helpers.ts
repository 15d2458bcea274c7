// Every scalar FP helper function by name (the NaN rules, FCVT of NaNs, FJCVTZS, half precision,
// fused multiply-add); spread into helpers.ts and used by the strict versions.
import type * as ir from '../../wasm/ir.ts';
import { fmaHelpers } from './fp-fma.ts';
import { halfHelpers } from './fp-half.ts';
import { fpOpsHelpers } from './fp-ops.ts';

export const fpHelpers: Record<string, (m: ir.Module, name: string) => void> = { ...fpOpsHelpers, ...halfHelpers, ...fmaHelpers };
