// Advanced SIMD (Arm ARM C4.1.96) and its structure loads/stores (C4.1.94). The rows live in
// simd-ldst.ts (LD1–4/ST1–4, LDnR), simd-int.ts (integer, permutes, moves) and simd-fp.ts
// (float lanes), simd-fp16*.ts (half-precision lanes, FEAT_FP16), simd-fhm.ts (FMLAL/FMLSL), simd-fp-estimate.ts (reciprocal
// estimates and steps), crypto.ts (AES, SHA, SHA3, SM3, SM4, PMULL 1Q), simd-dot.ts
// (SDOT/UDOT/USDOT/SUDOT), simd-complex.ts (FCADD/FCMLA), bf16.ts (BFloat16, its scalar BFCVT too);
// encodings in this space that none of them accept fall through to UNDEF.
import type { Row } from '../decoder.ts';
import { simdLdst } from './simd-ldst.ts';
import { simdIntRows } from './simd-int.ts';
import { simdFpRows } from './simd-fp.ts';
import { simdFp16Rows } from './simd-fp16.ts';
import { simdFp16MiscRows } from './simd-fp16-misc.ts';
import { simdFp16ElemRows } from './simd-fp16-elem.ts';
import { fhmRows } from './simd-fhm.ts';
import { estimateRows } from './simd-fp-estimate.ts';
import { cryptoRows } from './crypto.ts';
import { dotRows } from './simd-dot.ts';
import { complexRows } from './simd-complex.ts';
import { bf16Rows } from './bf16.ts';

export const simdRows: Row[] = [...simdLdst, ...simdIntRows, ...simdFpRows, ...simdFp16Rows, ...simdFp16MiscRows, ...simdFp16ElemRows, ...fhmRows, ...cryptoRows, ...dotRows, ...estimateRows, ...complexRows, ...bf16Rows];
