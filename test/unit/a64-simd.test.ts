// Advanced SIMD: decoding (row and fields) of encodings taken from the GNU assembler, encodings
// that must stay UNDEF, and golden semantics recorded under qemu-aarch64.
import binaryen from 'binaryen';
import * as ir from '../../src/wasm/ir.ts';
import { WasmBuilder } from '../../src/wasm/builder.ts';
import { optimizeBinary, useOptimizer } from '../../src/wasm/optimize.ts';
import { describe, expect, it } from 'vitest';
import { aarch64, decode } from '../../src/arch/aarch64/index.ts';
import type { Builder, Expr } from '../../src/lift/types.ts';

// Words from `aarch64-linux-gnu-as -march=armv8.2-a+rdm` (GNU Binutils for Debian 2.40) and
// `aarch64-linux-gnu-objdump -d`; the fields are those the row extracts (each of these was also
// run against qemu-aarch64 on random register contents during development).
const DECODE: [string, number, string, Record<string, number>][] = [
  ['ld1 {v0.16b}, [x28]', 0x4c407380, 'SIMD_LDST_multi', { Q: 1, L: 1, opcode: 7, size: 0, rn: 28, rt: 0 }],
  ['ld1 {v4.4s, v5.4s, v6.4s}, [x28]', 0x4c406b84, 'SIMD_LDST_multi', { Q: 1, L: 1, opcode: 6, size: 2, rn: 28, rt: 4 }],
  ['ld1 {v7.1d}, [x28]', 0x0c407f87, 'SIMD_LDST_multi', { Q: 0, L: 1, opcode: 7, size: 3, rn: 28, rt: 7 }],
  ['st1 {v2.16b, v3.16b}, [x28], #32', 0x4c9fa382, 'SIMD_LDST_multi_post', { Q: 1, L: 0, rm: 31, opcode: 10, size: 0, rn: 28, rt: 2 }],
  ['ld2 {v0.16b, v1.16b}, [x28]', 0x4c408380, 'SIMD_LDST_multi', { Q: 1, L: 1, opcode: 8, size: 0, rn: 28, rt: 0 }],
  ['ld2 {v2.2d, v3.2d}, [x28]', 0x4c408f82, 'SIMD_LDST_multi', { Q: 1, L: 1, opcode: 8, size: 3, rn: 28, rt: 2 }],
  ['ld3 {v0.4h, v1.4h, v2.4h}, [x28], #24', 0x0cdf4780, 'SIMD_LDST_multi_post', { Q: 0, L: 1, rm: 31, opcode: 4, size: 1, rn: 28, rt: 0 }],
  ['st2 {v0.16b, v1.16b}, [x28]', 0x4c008380, 'SIMD_LDST_multi', { Q: 1, L: 0, opcode: 8, size: 0, rn: 28, rt: 0 }],
  ['st2 {v5.4h, v6.4h}, [x28]', 0x0c008785, 'SIMD_LDST_multi', { Q: 0, L: 0, opcode: 8, size: 1, rn: 28, rt: 5 }],
  ['st4 {v0.8h, v1.8h, v2.8h, v3.8h}, [x28], #64', 0x4c9f0780, 'SIMD_LDST_multi_post', { Q: 1, L: 0, rm: 31, opcode: 0, size: 1, rn: 28, rt: 0 }],
  ['ld1 {v0.h}[7], [x28], #2', 0x4ddf5b80, 'SIMD_LDST_single_post', { Q: 1, L: 1, R: 0, rm: 31, opcode: 2, S: 1, size: 2, rn: 28, rt: 0 }],
  ['ld1r {v0.16b}, [x28]', 0x4d40c380, 'SIMD_LDST_single', { Q: 1, L: 1, R: 0, opcode: 6, S: 0, size: 0, rn: 28, rt: 0 }],
  ['ld1r {v1.2d}, [x28]', 0x4d40cf81, 'SIMD_LDST_single', { Q: 1, L: 1, R: 0, opcode: 6, S: 0, size: 3, rn: 28, rt: 1 }],
  ['ld3 {v0.s, v1.s, v2.s}[3], [x28], #12', 0x4ddfb380, 'SIMD_LDST_single_post', { Q: 1, L: 1, R: 0, rm: 31, opcode: 5, S: 1, size: 0, rn: 28, rt: 0 }],
  ['st1 {v0.b}[9], [x28]', 0x4d000780, 'SIMD_LDST_single', { Q: 1, L: 0, R: 0, opcode: 0, S: 0, size: 1, rn: 28, rt: 0 }],
  ['st1 {v0.d}[1], [x28], #8', 0x4d9f8780, 'SIMD_LDST_single_post', { Q: 1, L: 0, R: 0, rm: 31, opcode: 4, S: 0, size: 1, rn: 28, rt: 0 }],
  ['movi v0.4s, #0x12, lsl #8', 0x4f002640, 'SIMD_MOVI', { Q: 1, op: 0, a: 0, b: 0, c: 0, cmode: 2, o2: 0, d: 1, e: 0, f: 0, g: 1, h: 0, rd: 0 }],
  ['movi v0.8h, #0x7f', 0x4f0387e0, 'SIMD_MOVI', { Q: 1, op: 0, a: 0, b: 1, c: 1, cmode: 8, o2: 0, d: 1, e: 1, f: 1, g: 1, h: 1, rd: 0 }],
  ['movi v0.2s, #0x4d, msl #16', 0x0f02d5a0, 'SIMD_MOVI', { Q: 0, op: 0, a: 0, b: 1, c: 0, cmode: 13, o2: 0, d: 0, e: 1, f: 1, g: 0, h: 1, rd: 0 }],
  ['movi d0, #0', 0x2f00e400, 'SIMD_MOVI', { Q: 0, op: 1, a: 0, b: 0, c: 0, cmode: 14, o2: 0, d: 0, e: 0, f: 0, g: 0, h: 0, rd: 0 }],
  ['mvni v0.4s, #0x12, lsl #16', 0x6f004640, 'SIMD_MOVI', { Q: 1, op: 1, a: 0, b: 0, c: 0, cmode: 4, o2: 0, d: 1, e: 0, f: 0, g: 1, h: 0, rd: 0 }],
  ['mvni v0.4s, #0x4d, msl #8', 0x6f02c5a0, 'SIMD_MOVI', { Q: 1, op: 1, a: 0, b: 1, c: 0, cmode: 12, o2: 0, d: 0, e: 1, f: 1, g: 0, h: 1, rd: 0 }],
  ['orr v1.4h, #0xff', 0x0f0797e1, 'SIMD_MOVI', { Q: 0, op: 0, a: 1, b: 1, c: 1, cmode: 9, o2: 0, d: 1, e: 1, f: 1, g: 1, h: 1, rd: 1 }],
  ['fmov v2.4s, #1.0', 0x4f03f602, 'SIMD_MOVI', { Q: 1, op: 0, a: 0, b: 1, c: 1, cmode: 15, o2: 0, d: 1, e: 0, f: 0, g: 0, h: 0, rd: 2 }],
  ['dup v0.16b, w1', 0x4e010c20, 'SIMD_copy', { Q: 1, op: 0, imm5: 1, imm4: 1, rn: 1, rd: 0 }],
  ['dup v0.4s, w4', 0x4e040c80, 'SIMD_copy', { Q: 1, op: 0, imm5: 4, imm4: 1, rn: 4, rd: 0 }],
  ['dup v0.16b, v1.b[7]', 0x4e0f0420, 'SIMD_copy', { Q: 1, op: 0, imm5: 15, imm4: 0, rn: 1, rd: 0 }],
  ['dup v0.2d, v1.d[1]', 0x4e180420, 'SIMD_copy', { Q: 1, op: 0, imm5: 24, imm4: 0, rn: 1, rd: 0 }],
  ['mov s0, v1.s[1]', 0x5e0c0420, 'SIMD_DUP_scalar', { imm5: 12, rn: 1, rd: 0 }],
  ['mov v0.h[3], w1', 0x4e0e1c20, 'SIMD_copy', { Q: 1, op: 0, imm5: 14, imm4: 3, rn: 1, rd: 0 }],
  ['mov v0.b[5], v1.b[13]', 0x6e0b6c20, 'SIMD_copy', { Q: 1, op: 1, imm5: 11, imm4: 13, rn: 1, rd: 0 }],
  ['mov v0.d[1], v1.d[0]', 0x6e180420, 'SIMD_copy', { Q: 1, op: 1, imm5: 24, imm4: 0, rn: 1, rd: 0 }],
  ['mov w0, v1.s[3]', 0x0e1c3c20, 'SIMD_copy', { Q: 0, op: 0, imm5: 28, imm4: 7, rn: 1, rd: 0 }],
  ['smov w0, v1.h[5]', 0x0e162c20, 'SIMD_copy', { Q: 0, op: 0, imm5: 22, imm4: 5, rn: 1, rd: 0 }],
  ['smov x0, v1.s[3]', 0x4e1c2c20, 'SIMD_copy', { Q: 1, op: 0, imm5: 28, imm4: 5, rn: 1, rd: 0 }],
  ['bic v0.16b, v1.16b, v2.16b', 0x4e621c20, 'SIMD_logic', { Q: 1, U: 0, size: 1, rm: 2, rn: 1, rd: 0 }],
  ['orn v0.16b, v1.16b, v2.16b', 0x4ee21c20, 'SIMD_logic', { Q: 1, U: 0, size: 3, rm: 2, rn: 1, rd: 0 }],
  ['bit v0.8b, v1.8b, v2.8b', 0x2ea21c20, 'SIMD_logic', { Q: 0, U: 1, size: 2, rm: 2, rn: 1, rd: 0 }],
  ['not v0.8b, v1.8b', 0x2e205820, 'SIMD_2misc', { Q: 0, U: 1, size: 0, opcode: 5, rn: 1, rd: 0 }],
  ['cmeq v0.8b, v1.8b, v2.8b', 0x2e228c20, 'SIMD_3same', { Q: 0, U: 1, size: 0, rm: 2, opcode: 17, rn: 1, rd: 0 }],
  ['cmhs v0.16b, v1.16b, v2.16b', 0x6e223c20, 'SIMD_3same', { Q: 1, U: 1, size: 0, rm: 2, opcode: 7, rn: 1, rd: 0 }],
  ['cmhi v0.2d, v1.2d, v2.2d', 0x6ee23420, 'SIMD_3same', { Q: 1, U: 1, size: 3, rm: 2, opcode: 6, rn: 1, rd: 0 }],
  ['cmge v0.2d, v1.2d, #0', 0x6ee08820, 'SIMD_2misc', { Q: 1, U: 1, size: 3, opcode: 8, rn: 1, rd: 0 }],
  ['cmge d0, d1, #0', 0x7ee08820, 'SIMD_2misc_scalar', { U: 1, size: 3, opcode: 8, rn: 1, rd: 0 }],
  ['cmlt d0, d1, #0', 0x5ee0a820, 'SIMD_2misc_scalar', { U: 0, size: 3, opcode: 10, rn: 1, rd: 0 }],
  ['cmtst d0, d1, d2', 0x5ee28c20, 'SIMD_3same_scalar', { U: 0, size: 3, rm: 2, opcode: 17, rn: 1, rd: 0 }],
  ['add v0.2s, v1.2s, v2.2s', 0x0ea28420, 'SIMD_3same', { Q: 0, U: 0, size: 2, rm: 2, opcode: 16, rn: 1, rd: 0 }],
  ['sub v0.4s, v1.4s, v2.4s', 0x6ea28420, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 16, rn: 1, rd: 0 }],
  ['addp v0.8b, v1.8b, v2.8b', 0x0e22bc20, 'SIMD_3same', { Q: 0, U: 0, size: 0, rm: 2, opcode: 23, rn: 1, rd: 0 }],
  ['addp v0.2d, v1.2d, v2.2d', 0x4ee2bc20, 'SIMD_3same', { Q: 1, U: 0, size: 3, rm: 2, opcode: 23, rn: 1, rd: 0 }],
  ['umaxp v0.8b, v1.8b, v2.8b', 0x2e22a420, 'SIMD_3same', { Q: 0, U: 1, size: 0, rm: 2, opcode: 20, rn: 1, rd: 0 }],
  ['sminp v0.4h, v1.4h, v2.4h', 0x0e62ac20, 'SIMD_3same', { Q: 0, U: 0, size: 1, rm: 2, opcode: 21, rn: 1, rd: 0 }],
  ['smax v0.16b, v1.16b, v2.16b', 0x4e226420, 'SIMD_3same', { Q: 1, U: 0, size: 0, rm: 2, opcode: 12, rn: 1, rd: 0 }],
  ['umaxv b0, v1.8b', 0x2e30a820, 'SIMD_across', { Q: 0, U: 1, size: 0, opcode: 10, rn: 1, rd: 0 }],
  ['smaxv s0, v1.4s', 0x4eb0a820, 'SIMD_across', { Q: 1, U: 0, size: 2, opcode: 10, rn: 1, rd: 0 }],
  ['addv b0, v1.16b', 0x4e31b820, 'SIMD_across', { Q: 1, U: 0, size: 0, opcode: 27, rn: 1, rd: 0 }],
  ['uaddlv h0, v1.16b', 0x6e303820, 'SIMD_across', { Q: 1, U: 1, size: 0, opcode: 3, rn: 1, rd: 0 }],
  ['uaddlv d0, v1.4s', 0x6eb03820, 'SIMD_across', { Q: 1, U: 1, size: 2, opcode: 3, rn: 1, rd: 0 }],
  ['shrn v0.8b, v1.8h, #4', 0x0f0c8420, 'SIMD_shift_imm', { Q: 0, U: 0, immh: 1, immb: 4, opcode: 16, rn: 1, rd: 0 }],
  ['shrn v0.2s, v1.2d, #32', 0x0f208420, 'SIMD_shift_imm', { Q: 0, U: 0, immh: 4, immb: 0, opcode: 16, rn: 1, rd: 0 }],
  ['xtn v0.8b, v1.8h', 0x0e212820, 'SIMD_2misc', { Q: 0, U: 0, size: 0, opcode: 18, rn: 1, rd: 0 }],
  ['uzp1 v0.16b, v1.16b, v2.16b', 0x4e021820, 'SIMD_permute', { Q: 1, size: 0, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['uzp1 v0.4s, v1.4s, v2.4s', 0x4e821820, 'SIMD_permute', { Q: 1, size: 2, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['zip1 v0.16b, v1.16b, v2.16b', 0x4e023820, 'SIMD_permute', { Q: 1, size: 0, rm: 2, opcode: 3, rn: 1, rd: 0 }],
  ['zip2 v0.2s, v1.2s, v2.2s', 0x0e827820, 'SIMD_permute', { Q: 0, size: 2, rm: 2, opcode: 7, rn: 1, rd: 0 }],
  ['trn2 v0.8h, v1.8h, v2.8h', 0x4e426820, 'SIMD_permute', { Q: 1, size: 1, rm: 2, opcode: 6, rn: 1, rd: 0 }],
  ['ext v0.16b, v1.16b, v2.16b, #3', 0x6e021820, 'SIMD_EXT', { Q: 1, rm: 2, imm4: 3, rn: 1, rd: 0 }],
  ['rev16 v0.16b, v1.16b', 0x4e201820, 'SIMD_2misc', { Q: 1, U: 0, size: 0, opcode: 1, rn: 1, rd: 0 }],
  ['rev64 v0.16b, v1.16b', 0x4e200820, 'SIMD_2misc', { Q: 1, U: 0, size: 0, opcode: 0, rn: 1, rd: 0 }],
  ['tbl v0.16b, {v1.16b}, v2.16b', 0x4e020020, 'SIMD_TBL', { Q: 1, rm: 2, len: 0, op: 0, rn: 1, rd: 0 }],
  ['tbl v0.16b, {v30.16b, v31.16b, v0.16b}, v4.16b', 0x4e0443c0, 'SIMD_TBL', { Q: 1, rm: 4, len: 2, op: 0, rn: 30, rd: 0 }],
  ['tbx v0.8b, {v1.16b, v2.16b}, v4.8b', 0x0e043020, 'SIMD_TBL', { Q: 0, rm: 4, len: 1, op: 1, rn: 1, rd: 0 }],
  ['uaddw v0.2d, v1.2d, v2.2s', 0x2ea21020, 'SIMD_3diff', { Q: 0, U: 1, size: 2, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['uaddl v0.8h, v1.8b, v2.8b', 0x2e220020, 'SIMD_3diff', { Q: 0, U: 1, size: 0, rm: 2, opcode: 0, rn: 1, rd: 0 }],
  ['usubl v0.8h, v1.8b, v2.8b', 0x2e222020, 'SIMD_3diff', { Q: 0, U: 1, size: 0, rm: 2, opcode: 2, rn: 1, rd: 0 }],
  ['umull v0.4s, v1.4h, v2.4h', 0x2e62c020, 'SIMD_3diff', { Q: 0, U: 1, size: 1, rm: 2, opcode: 12, rn: 1, rd: 0 }],
  ['smull2 v0.2d, v1.4s, v2.4s', 0x4ea2c020, 'SIMD_3diff', { Q: 1, U: 0, size: 2, rm: 2, opcode: 12, rn: 1, rd: 0 }],
  ['umlal2 v0.8h, v1.16b, v2.16b', 0x6e228020, 'SIMD_3diff', { Q: 1, U: 1, size: 0, rm: 2, opcode: 8, rn: 1, rd: 0 }],
  ['addhn v0.8b, v1.8h, v2.8h', 0x0e224020, 'SIMD_3diff', { Q: 0, U: 0, size: 0, rm: 2, opcode: 4, rn: 1, rd: 0 }],
  ['rsubhn v0.8b, v1.8h, v2.8h', 0x2e226020, 'SIMD_3diff', { Q: 0, U: 1, size: 0, rm: 2, opcode: 6, rn: 1, rd: 0 }],
  ['uabal v0.4s, v1.4h, v2.4h', 0x2e625020, 'SIMD_3diff', { Q: 0, U: 1, size: 1, rm: 2, opcode: 5, rn: 1, rd: 0 }],
  ['ushr v0.16b, v1.16b, #8', 0x6f080420, 'SIMD_shift_imm', { Q: 1, U: 1, immh: 1, immb: 0, opcode: 0, rn: 1, rd: 0 }],
  ['ushr d0, d1, #64', 0x7f400420, 'SIMD_shift_imm_scalar', { U: 1, immh: 8, immb: 0, opcode: 0, rn: 1, rd: 0 }],
  ['sshr v0.8b, v1.8b, #3', 0x0f0d0420, 'SIMD_shift_imm', { Q: 0, U: 0, immh: 1, immb: 5, opcode: 0, rn: 1, rd: 0 }],
  ['usra v0.2d, v1.2d, #60', 0x6f441420, 'SIMD_shift_imm', { Q: 1, U: 1, immh: 8, immb: 4, opcode: 2, rn: 1, rd: 0 }],
  ['srshr v0.4s, v1.4s, #3', 0x4f3d2420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 7, immb: 5, opcode: 4, rn: 1, rd: 0 }],
  ['srsra v0.4s, v1.4s, #32', 0x4f203420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 4, immb: 0, opcode: 6, rn: 1, rd: 0 }],
  ['shl v0.2d, v1.2d, #63', 0x4f7f5420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 15, immb: 7, opcode: 10, rn: 1, rd: 0 }],
  ['sri v0.2d, v1.2d, #64', 0x6f404420, 'SIMD_shift_imm', { Q: 1, U: 1, immh: 8, immb: 0, opcode: 8, rn: 1, rd: 0 }],
  ['sli v0.8h, v1.8h, #0', 0x6f105420, 'SIMD_shift_imm', { Q: 1, U: 1, immh: 2, immb: 0, opcode: 10, rn: 1, rd: 0 }],
  ['uxtl v0.4s, v1.4h', 0x2f10a420, 'SIMD_shift_imm', { Q: 0, U: 1, immh: 2, immb: 0, opcode: 20, rn: 1, rd: 0 }],
  ['sxtl2 v0.2d, v1.4s', 0x4f20a420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 4, immb: 0, opcode: 20, rn: 1, rd: 0 }],
  ['sqshl v0.16b, v1.16b, #3', 0x4f0b7420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 1, immb: 3, opcode: 14, rn: 1, rd: 0 }],
  ['uqshl v0.2d, v1.2d, #1', 0x6f417420, 'SIMD_shift_imm', { Q: 1, U: 1, immh: 8, immb: 1, opcode: 14, rn: 1, rd: 0 }],
  ['sqshl s0, s1, #30', 0x5f3e7420, 'SIMD_shift_imm_scalar', { U: 0, immh: 7, immb: 6, opcode: 14, rn: 1, rd: 0 }],
  ['sqshrn2 v0.4s, v1.2d, #17', 0x4f2f9420, 'SIMD_shift_imm', { Q: 1, U: 0, immh: 5, immb: 7, opcode: 18, rn: 1, rd: 0 }],
  ['sqrshrn v0.2s, v1.2d, #32', 0x0f209c20, 'SIMD_shift_imm', { Q: 0, U: 0, immh: 4, immb: 0, opcode: 19, rn: 1, rd: 0 }],
  ['sqshrn h0, s1, #4', 0x5f1c9420, 'SIMD_shift_imm_scalar', { U: 0, immh: 3, immb: 4, opcode: 18, rn: 1, rd: 0 }],
  ['mul v0.4s, v1.4s, v2.4s', 0x4ea29c20, 'SIMD_3same', { Q: 1, U: 0, size: 2, rm: 2, opcode: 19, rn: 1, rd: 0 }],
  ['mla v0.8h, v1.8h, v2.8h', 0x4e629420, 'SIMD_3same', { Q: 1, U: 0, size: 1, rm: 2, opcode: 18, rn: 1, rd: 0 }],
  ['mul v0.4s, v1.4s, v2.s[3]', 0x4fa28820, 'SIMD_elem_int', { Q: 1, U: 0, size: 2, L: 1, M: 0, rm: 2, opcode: 8, H: 1, rn: 1, rd: 0 }],
  ['mls v0.4h, v1.4h, v2.h[2]', 0x2f624020, 'SIMD_elem_int', { Q: 0, U: 1, size: 1, L: 1, M: 0, rm: 2, opcode: 4, H: 0, rn: 1, rd: 0 }],
  ['smlal v0.4s, v1.4h, v2.h[1]', 0x0f522020, 'SIMD_elem_int', { Q: 0, U: 0, size: 1, L: 0, M: 1, rm: 2, opcode: 2, H: 0, rn: 1, rd: 0 }],
  ['neg v0.2d, v1.2d', 0x6ee0b820, 'SIMD_2misc', { Q: 1, U: 1, size: 3, opcode: 11, rn: 1, rd: 0 }],
  ['abs v0.2d, v1.2d', 0x4ee0b820, 'SIMD_2misc', { Q: 1, U: 0, size: 3, opcode: 11, rn: 1, rd: 0 }],
  ['uqsub v0.4s, v1.4s, v2.4s', 0x6ea22c20, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 5, rn: 1, rd: 0 }],
  ['uqadd v0.4s, v1.4s, v2.4s', 0x6ea20c20, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['sqadd v0.4s, v1.4s, v2.4s', 0x4ea20c20, 'SIMD_3same', { Q: 1, U: 0, size: 2, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['sqsub v0.2d, v1.2d, v2.2d', 0x4ee22c20, 'SIMD_3same', { Q: 1, U: 0, size: 3, rm: 2, opcode: 5, rn: 1, rd: 0 }],
  ['sqsub s0, s1, s2', 0x5ea22c20, 'SIMD_3same_scalar', { U: 0, size: 2, rm: 2, opcode: 5, rn: 1, rd: 0 }],
  ['uhadd v0.4s, v1.4s, v2.4s', 0x6ea20420, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 0, rn: 1, rd: 0 }],
  ['urhadd v0.4s, v1.4s, v2.4s', 0x6ea21420, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 2, rn: 1, rd: 0 }],
  ['sabd v0.4s, v1.4s, v2.4s', 0x4ea27420, 'SIMD_3same', { Q: 1, U: 0, size: 2, rm: 2, opcode: 14, rn: 1, rd: 0 }],
  ['uaba v0.4s, v1.4s, v2.4s', 0x6ea27c20, 'SIMD_3same', { Q: 1, U: 1, size: 2, rm: 2, opcode: 15, rn: 1, rd: 0 }],
  ['ushl v0.2d, v1.2d, v2.2d', 0x6ee24420, 'SIMD_3same', { Q: 1, U: 1, size: 3, rm: 2, opcode: 8, rn: 1, rd: 0 }],
  ['ushl d0, d1, d4', 0x7ee44420, 'SIMD_3same_scalar', { U: 1, size: 3, rm: 4, opcode: 8, rn: 1, rd: 0 }],
  ['urshl v0.16b, v1.16b, v4.16b', 0x6e245420, 'SIMD_3same', { Q: 1, U: 1, size: 0, rm: 4, opcode: 10, rn: 1, rd: 0 }],
  ['sqdmulh v0.4s, v1.4s, v2.4s', 0x4ea2b420, 'SIMD_3same', { Q: 1, U: 0, size: 2, rm: 2, opcode: 22, rn: 1, rd: 0 }],
  ['sqdmulh s0, s1, s2', 0x5ea2b420, 'SIMD_3same_scalar', { U: 0, size: 2, rm: 2, opcode: 22, rn: 1, rd: 0 }],
  ['saddlp v0.8h, v1.16b', 0x4e202820, 'SIMD_2misc', { Q: 1, U: 0, size: 0, opcode: 2, rn: 1, rd: 0 }],
  ['saddlp v0.1d, v1.2s', 0x0ea02820, 'SIMD_2misc', { Q: 0, U: 0, size: 2, opcode: 2, rn: 1, rd: 0 }],
  ['cls v0.16b, v1.16b', 0x4e204820, 'SIMD_2misc', { Q: 1, U: 0, size: 0, opcode: 4, rn: 1, rd: 0 }],
  ['clz v0.2s, v1.2s', 0x2ea04820, 'SIMD_2misc', { Q: 0, U: 1, size: 2, opcode: 4, rn: 1, rd: 0 }],
  ['sqabs v0.2d, v1.2d', 0x4ee07820, 'SIMD_2misc', { Q: 1, U: 0, size: 3, opcode: 7, rn: 1, rd: 0 }],
  ['sqneg b0, b1', 0x7e207820, 'SIMD_2misc_scalar', { U: 1, size: 0, opcode: 7, rn: 1, rd: 0 }],
  ['sqxtn v0.2s, v1.2d', 0x0ea14820, 'SIMD_2misc', { Q: 0, U: 0, size: 2, opcode: 20, rn: 1, rd: 0 }],
  ['sqxtun v0.4h, v1.4s', 0x2e612820, 'SIMD_2misc', { Q: 0, U: 1, size: 1, opcode: 18, rn: 1, rd: 0 }],
  ['uqxtn s0, d1', 0x7ea14820, 'SIMD_2misc_scalar', { U: 1, size: 2, opcode: 20, rn: 1, rd: 0 }],
  ['shll2 v0.2d, v1.4s, #32', 0x6ea13820, 'SIMD_2misc', { Q: 1, U: 1, size: 2, opcode: 19, rn: 1, rd: 0 }],
  ['fadd v0.2d, v1.2d, v2.2d', 0x4e62d420, 'SIMD_3same_fp', { Q: 1, U: 0, a: 0, sz: 1, rm: 2, opc: 2, rn: 1, rd: 0 }],
  ['fmul v0.4s, v1.4s, v2.4s', 0x6e22dc20, 'SIMD_3same_fp', { Q: 1, U: 1, a: 0, sz: 0, rm: 2, opc: 3, rn: 1, rd: 0 }],
  ['fdiv v0.2d, v1.2d, v2.2d', 0x6e62fc20, 'SIMD_3same_fp', { Q: 1, U: 1, a: 0, sz: 1, rm: 2, opc: 7, rn: 1, rd: 0 }],
  ['fmaxnm v0.4s, v1.4s, v2.4s', 0x4e22c420, 'SIMD_3same_fp', { Q: 1, U: 0, a: 0, sz: 0, rm: 2, opc: 0, rn: 1, rd: 0 }],
  ['fabd v0.4s, v1.4s, v2.4s', 0x6ea2d420, 'SIMD_3same_fp', { Q: 1, U: 1, a: 1, sz: 0, rm: 2, opc: 2, rn: 1, rd: 0 }],
  ['fmulx v0.4s, v1.4s, v2.4s', 0x4e22dc20, 'SIMD_3same_fp', { Q: 1, U: 0, a: 0, sz: 0, rm: 2, opc: 3, rn: 1, rd: 0 }],
  ['faddp v0.4s, v1.4s, v2.4s', 0x6e22d420, 'SIMD_3same_fp', { Q: 1, U: 1, a: 0, sz: 0, rm: 2, opc: 2, rn: 1, rd: 0 }],
  ['faddp s0, v1.2s', 0x7e30d820, 'SIMD_pair_fp_scalar', { a: 0, sz: 0, opcode: 13, rn: 1, rd: 0 }],
  ['fminp v0.2d, v1.2d, v2.2d', 0x6ee2f420, 'SIMD_3same_fp', { Q: 1, U: 1, a: 1, sz: 1, rm: 2, opc: 6, rn: 1, rd: 0 }],
  ['fmaxp s0, v1.2s', 0x7e30f820, 'SIMD_pair_fp_scalar', { a: 0, sz: 0, opcode: 15, rn: 1, rd: 0 }],
  ['fminv s0, v1.4s', 0x6eb0f820, 'SIMD_across_fp', { a: 1, opcode: 15, rn: 1, rd: 0 }],
  ['fcmeq v0.4s, v1.4s, v2.4s', 0x4e22e420, 'SIMD_3same_fp', { Q: 1, U: 0, a: 0, sz: 0, rm: 2, opc: 4, rn: 1, rd: 0 }],
  ['facge v0.4s, v1.4s, v2.4s', 0x6e22ec20, 'SIMD_3same_fp', { Q: 1, U: 1, a: 0, sz: 0, rm: 2, opc: 5, rn: 1, rd: 0 }],
  ['fcmge s0, s1, s2', 0x7e22e420, 'SIMD_3same_fp_scalar', { U: 1, a: 0, sz: 0, rm: 2, opc: 4, rn: 1, rd: 0 }],
  ['facgt d0, d1, d2', 0x7ee2ec20, 'SIMD_3same_fp_scalar', { U: 1, a: 1, sz: 1, rm: 2, opc: 5, rn: 1, rd: 0 }],
  ['fcmgt v0.2s, v1.2s, #0.0', 0x0ea0c820, 'SIMD_2misc_fp', { Q: 0, U: 0, a: 1, sz: 0, opcode: 12, rn: 1, rd: 0 }],
  ['fcmeq d0, d1, #0.0', 0x5ee0d820, 'SIMD_2misc_fp_scalar', { U: 0, a: 1, sz: 1, opcode: 13, rn: 1, rd: 0 }],
  ['fabs v0.4s, v1.4s', 0x4ea0f820, 'SIMD_2misc_fp', { Q: 1, U: 0, a: 1, sz: 0, opcode: 15, rn: 1, rd: 0 }],
  ['fneg v0.2d, v1.2d', 0x6ee0f820, 'SIMD_2misc_fp', { Q: 1, U: 1, a: 1, sz: 1, opcode: 15, rn: 1, rd: 0 }],
  ['frintn v0.4s, v1.4s', 0x4e218820, 'SIMD_2misc_fp', { Q: 1, U: 0, a: 0, sz: 0, opcode: 24, rn: 1, rd: 0 }],
  ['frintz v0.2d, v1.2d', 0x4ee19820, 'SIMD_2misc_fp', { Q: 1, U: 0, a: 1, sz: 1, opcode: 25, rn: 1, rd: 0 }],
  ['frintx v0.4s, v1.4s', 0x6e219820, 'SIMD_2misc_fp', { Q: 1, U: 1, a: 0, sz: 0, opcode: 25, rn: 1, rd: 0 }],
  ['fcvtzu v0.4s, v1.4s', 0x6ea1b820, 'SIMD_2misc_fp', { Q: 1, U: 1, a: 1, sz: 0, opcode: 27, rn: 1, rd: 0 }],
  ['fcvtns v0.4s, v1.4s', 0x4e21a820, 'SIMD_2misc_fp', { Q: 1, U: 0, a: 0, sz: 0, opcode: 26, rn: 1, rd: 0 }],
  ['fcvtmu v0.4s, v1.4s', 0x6e21b820, 'SIMD_2misc_fp', { Q: 1, U: 1, a: 0, sz: 0, opcode: 27, rn: 1, rd: 0 }],
  ['fcvtzs d0, d1', 0x5ee1b820, 'SIMD_2misc_fp_scalar', { U: 0, a: 1, sz: 1, opcode: 27, rn: 1, rd: 0 }],
  ['fcvtas d0, d1', 0x5e61c820, 'SIMD_2misc_fp_scalar', { U: 0, a: 0, sz: 1, opcode: 28, rn: 1, rd: 0 }],
  ['ucvtf v0.4s, v1.4s', 0x6e21d820, 'SIMD_2misc_fp', { Q: 1, U: 1, a: 0, sz: 0, opcode: 29, rn: 1, rd: 0 }],
  ['scvtf d0, d1', 0x5e61d820, 'SIMD_2misc_fp_scalar', { U: 0, a: 0, sz: 1, opcode: 29, rn: 1, rd: 0 }],
  ['ucvtf v0.2d, v1.2d, #64', 0x6f40e420, 'SIMD_fixed_cvt', { Q: 1, U: 1, immh: 8, immb: 0, opcode: 28, rn: 1, rd: 0 }],
  ['scvtf d0, d1, #12', 0x5f74e420, 'SIMD_fixed_cvt_scalar', { U: 0, immh: 14, immb: 4, opcode: 28, rn: 1, rd: 0 }],
  ['fcvtn2 v0.4s, v1.2d', 0x4e616820, 'SIMD_2misc_fp', { Q: 1, U: 0, a: 0, sz: 1, opcode: 22, rn: 1, rd: 0 }],
  ['fmul v0.2d, v1.2d, v2.d[1]', 0x4fc29820, 'SIMD_elem_fp', { Q: 1, U: 0, size: 3, L: 0, M: 0, rm: 2, opcode: 9, H: 1, rn: 1, rd: 0 }],
  ['fmul d0, d1, v2.d[1]', 0x5fc29820, 'SIMD_elem_fp_scalar', { U: 0, size: 3, L: 0, M: 0, rm: 2, opcode: 9, H: 1, rn: 1, rd: 0 }],
  ['fmla v0.4s, v1.4s, v2.4s', 0x4e22cc20, 'SIMD_3same_fp', { Q: 1, U: 0, a: 0, sz: 0, rm: 2, opc: 1, rn: 1, rd: 0 }],
  ['fmls v0.4s, v1.4s, v2.4s', 0x4ea2cc20, 'SIMD_3same_fp', { Q: 1, U: 0, a: 1, sz: 0, rm: 2, opc: 1, rn: 1, rd: 0 }],
  ['fmla v0.2d, v1.2d, v2.d[1]', 0x4fc21820, 'SIMD_elem_fp', { Q: 1, U: 0, size: 3, L: 0, M: 0, rm: 2, opcode: 1, H: 1, rn: 1, rd: 0 }],
  ['fmls s0, s1, v2.s[2]', 0x5f825820, 'SIMD_elem_fp_scalar', { U: 0, size: 2, L: 0, M: 0, rm: 2, opcode: 5, H: 1, rn: 1, rd: 0 }],
  ['sqshl v0.16b, v1.16b, v2.16b', 0x4e224c20, 'SIMD_3same', { Q: 1, U: 0, size: 0, rm: 2, opcode: 9, rn: 1, rd: 0 }],
  ['uqshl v0.8h, v1.8h, v4.8h', 0x6e644c20, 'SIMD_3same', { Q: 1, U: 1, size: 1, rm: 4, opcode: 9, rn: 1, rd: 0 }],
  ['sqrshl v0.4s, v1.4s, v4.4s', 0x4ea45c20, 'SIMD_3same', { Q: 1, U: 0, size: 2, rm: 4, opcode: 11, rn: 1, rd: 0 }],
  ['uqrshl v0.16b, v1.16b, v4.16b', 0x6e245c20, 'SIMD_3same', { Q: 1, U: 1, size: 0, rm: 4, opcode: 11, rn: 1, rd: 0 }],
  ['uqrshl b0, b1, b4', 0x7e245c20, 'SIMD_3same_scalar', { U: 1, size: 0, rm: 4, opcode: 11, rn: 1, rd: 0 }],
  ['suqadd v0.16b, v1.16b', 0x4e203820, 'SIMD_2misc', { Q: 1, U: 0, size: 0, opcode: 3, rn: 1, rd: 0 }],
  ['usqadd v0.4s, v1.4s', 0x6ea03820, 'SIMD_2misc', { Q: 1, U: 1, size: 2, opcode: 3, rn: 1, rd: 0 }],
  ['suqadd d0, d1', 0x5ee03820, 'SIMD_2misc_scalar', { U: 0, size: 3, opcode: 3, rn: 1, rd: 0 }],
  ['pmul v0.16b, v1.16b, v2.16b', 0x6e229c20, 'SIMD_3same', { Q: 1, U: 1, size: 0, rm: 2, opcode: 19, rn: 1, rd: 0 }],
  ['pmull v0.8h, v1.8b, v2.8b', 0x0e22e020, 'SIMD_3diff', { Q: 0, U: 0, size: 0, rm: 2, opcode: 14, rn: 1, rd: 0 }],
  ['sqdmull v0.4s, v1.4h, v2.4h', 0x0e62d020, 'SIMD_3diff', { Q: 0, U: 0, size: 1, rm: 2, opcode: 13, rn: 1, rd: 0 }],
  ['sqdmlal v0.4s, v1.4h, v2.4h', 0x0e629020, 'SIMD_3diff', { Q: 0, U: 0, size: 1, rm: 2, opcode: 9, rn: 1, rd: 0 }],
  ['sqdmull s0, h1, h2', 0x5e62d020, 'SIMD_3diff_scalar', { size: 1, rm: 2, opcode: 13, rn: 1, rd: 0 }],
  ['sqdmlsl s0, h1, h2', 0x5e62b020, 'SIMD_3diff_scalar', { size: 1, rm: 2, opcode: 11, rn: 1, rd: 0 }],
  ['sqdmlal2 v0.2d, v1.4s, v2.s[1]', 0x4fa23020, 'SIMD_elem_int', { Q: 1, U: 0, size: 2, L: 1, M: 0, rm: 2, opcode: 3, H: 0, rn: 1, rd: 0 }],
  ['sqdmull d0, s1, v2.s[3]', 0x5fa2b820, 'SIMD_elem_int_scalar', { U: 0, size: 2, L: 1, M: 0, rm: 2, opcode: 11, H: 1, rn: 1, rd: 0 }],
  ['fcvtxn v0.2s, v1.2d', 0x2e616820, 'SIMD_2misc_fp', { Q: 0, U: 1, a: 0, sz: 1, opcode: 22, rn: 1, rd: 0 }],
  ['fcvtxn s0, d1', 0x7e616820, 'SIMD_2misc_fp_scalar', { U: 1, a: 0, sz: 1, opcode: 22, rn: 1, rd: 0 }],
  ['sqrdmlah v0.2s, v1.2s, v2.2s', 0x2e828420, 'SIMD_3same_rdm', { Q: 0, size: 2, rm: 2, opcode: 0, rn: 1, rd: 0 }],
  ['sqrdmlsh v0.4h, v1.4h, v2.4h', 0x2e428c20, 'SIMD_3same_rdm', { Q: 0, size: 1, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['sqrdmlsh s0, s1, s2', 0x7e828c20, 'SIMD_3same_rdm_scalar', { size: 2, rm: 2, opcode: 1, rn: 1, rd: 0 }],
  ['sqrdmlsh v0.2s, v1.2s, v2.s[3]', 0x2fa2f820, 'SIMD_elem_int', { Q: 0, U: 1, size: 2, L: 1, M: 0, rm: 2, opcode: 15, H: 1, rn: 1, rd: 0 }],
  // half precision (FEAT_FP16), assembled with -march=armv8.2-a+fp16
  ['fmla v0.4h, v1.4h, v2.h[3]', 0x0f321020, 'SIMD_elem_fp16', { Q: 0, U: 0, L: 1, M: 1, rm: 2, opcode: 1, H: 0, rn: 1, rd: 0 }],
  ['fmulx h0, h1, v2.h[0]', 0x7f029020, 'SIMD_elem_fp16_scalar', { U: 1, L: 0, M: 0, rm: 2, opcode: 9, H: 0, rn: 1, rd: 0 }],
  ['fcvtzs h0, h1', 0x5ef9b820, 'SIMD_2misc_fp16_scalar', { U: 0, a: 1, opcode: 27, rn: 1, rd: 0 }],
  ['frintx v0.8h, v1.8h', 0x6e799820, 'SIMD_2misc_fp16', { Q: 1, U: 1, a: 0, opcode: 25, rn: 1, rd: 0 }],
  ['fminv h0, v1.4h', 0x0eb0f820, 'SIMD_across_fp16', { Q: 0, a: 1, opcode: 15, rn: 1, rd: 0 }],
  ['faddp h0, v1.2h', 0x5e30d820, 'SIMD_pair_fp16_scalar', { a: 0, opcode: 13, rn: 1, rd: 0 }],
  ['facgt h0, h1, h2', 0x7ec22c20, 'SIMD_3same_fp16_scalar', { U: 1, a: 1, rm: 2, opc: 5, rn: 1, rd: 0 }],
  ['fcvtzu v0.8h, v1.8h, #9', 0x6f17fc20, 'SIMD_fixed_cvt_fp16', { Q: 1, U: 1, ib: 7, opcode: 31, rn: 1, rd: 0 }],
  ['fmov v0.8h, #-0.125', 0x4f06fc00, 'SIMD_FMOV_fp16', { Q: 1, a: 1, b: 1, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0, rd: 0 }],
  ['sqrdmlsh h0, h1, v2.h[2]', 0x7f62f020, 'SIMD_elem_int_scalar', { U: 1, size: 1, L: 1, M: 0, rm: 2, opcode: 15, H: 0, rn: 1, rd: 0 }],
  ['sqdmulh s0, s1, v2.s[1]', 0x5fa2c020, 'SIMD_elem_int_scalar', { U: 0, size: 2, L: 1, M: 0, rm: 2, opcode: 12, H: 0, rn: 1, rd: 0 }],
  // FEAT_FCMA and FEAT_BF16 (their semantics against qemu: a64-fcma-bf16.test.ts), -march=armv8.6-a+fp16+bf16
  ['fcmla v0.4s, v1.4s, v2.4s, #90', 0x6e82cc20, 'FCMLA', { Q: 1, size: 2, rm: 2, rot: 1, rn: 1, rd: 0 }],
  ['fcadd v0.8h, v1.8h, v2.8h, #270', 0x6e42f420, 'FCADD', { Q: 1, size: 1, rm: 2, rot: 1, rn: 1, rd: 0 }],
  ['fcmla v0.8h, v1.8h, v31.h[3], #90', 0x6f7f3820, 'FCMLA_elem_H', { Q: 1, L: 1, rm: 31, rot: 1, H: 1, rn: 1, rd: 0 }],
  ['fcmla v0.4s, v1.4s, v31.s[1], #180', 0x6f9f5820, 'FCMLA_elem_S', { rm: 31, rot: 2, H: 1, rn: 1, rd: 0 }],
  ['bfcvtn2 v0.8h, v1.4s', 0x4ea16820, 'BFCVTN', { Q: 1, rn: 1, rd: 0 }],
  ['bfdot v0.2s, v1.4h, v2.2h[3]', 0x0f62f820, 'BFDOT_elem', { Q: 0, L: 1, rm: 2, H: 1, rn: 1, rd: 0 }],
  ['bfmlalb v0.4s, v1.8h, v2.h[7]', 0x0ff2f820, 'BFMLAL_elem', { T: 0, L: 1, M: 1, rm: 2, H: 1, rn: 1, rd: 0 }],
  ['bfmlalt v0.4s, v1.8h, v2.8h', 0x6ec2fc20, 'BFMLAL', { T: 1, rm: 2, rn: 1, rd: 0 }],
  ['bfmmla v0.4s, v1.8h, v2.8h', 0x6e42ec20, 'BFMMLA', { rm: 2, rn: 1, rd: 0 }],
];

// Must not match any SIMD row: reserved combinations, made by hand, that objdump also shows as
// `undefined`; they fall to UNDEF and trap at run time (the crypto extensions and dot products are
// tested in a64-crypto.test.ts and a64-dotprod.test.ts).
const UNDEF: [string, number][] = [
  ['ld2 {v0.1d, v1.1d}, [x0] (size=3, Q=0: reserved)', 0x0c408c00],
  ['add v0.1d, v1.1d, v2.1d (size=3, Q=0: reserved)', 0x0ee28420],
  ['umov w0, v0.d[0] (Q=0 with D: reserved)', 0x0e083c00],
  ['fmov v0.1d, #imm (op=1 cmode=1111 Q=0: reserved)', 0x2f00f400],
  ['dup v0.1d, x1 (Q=0 with D: reserved)', 0x0e080c20],
  ['ext v0.8b, v1.8b, v2.8b, #8 (imm4<3> with Q=0: reserved)', 0x2e024020],
  ['uzp1 v0.1d (size=3, Q=0: reserved)', 0x0ec21820],
  ['ushr v0.1d, v1.1d, #1 (immh=1xxx, Q=0: reserved)', 0x2f7f0420],
  ['shrn with immh=1xxx (reserved)', 0x0f408420],
  ['addv s0, v1.2s (size=2, Q=0: reserved)', 0x0eb1b820],
  ['ld1 {v0.h}[i] with size<0>=1 (reserved)', 0x0d404400],
];

// Golden semantics: [asm, word, v0..v3 in, x0..x2 in, v0..v3 out, x0..x2 out]; other registers
// are zero. Vectors are little-endian byte strings (byte 0 first), recorded under qemu-aarch64.
type Golden = [string, number, string[], string[], string[], string[]];
const GOLDEN: Golden[] = [
  ['cmeq v0.16b, v1.16b, #0', 0x4e209820, ['f2a9f4220c893a993e2005ceec33b42c', '000000000000f07f0100000000000000', '541c113fffff7f800000004f0000004f', '3b0c080b8f840784308988098289898d'], ['d060562bc43d5803', '9a8b6541d37c33bd', '108ddb4e589568ce'], ['ffffffffffff000000ffffffffffffff', '000000000000f07f0100000000000000', '541c113fffff7f800000004f0000004f', '3b0c080b8f840784308988098289898d'], ['d060562bc43d5803', '9a8b6541d37c33bd', '108ddb4e589568ce']],
  ['umaxp v0.16b, v1.16b, v2.16b', 0x6e22a420, ['000080ffee12c249010000dff9021550', '2ebd4849b8a73740210e5b7a58a63140', '800a5b0f0b8a87870c8c840b0fa50a8e', '40007fff408180ff8100000081807f00'], ['c48d8248def97771', '715210009af94d68', '8786e6546661292a'], ['bd49b840217aa640805b8a878c84a58e', '2ebd4849b8a73740210e5b7a58a63140', '800a5b0f0b8a87870c8c840b0fa50a8e', '40007fff408180ff8100000081807f00'], ['c48d8248def97771', '715210009af94d68', '8786e6546661292a']],
  ['shrn v0.8b, v1.8h, #4', 0x0f0c8420, ['cbe73e96cfc81ae827c3b6f2ddd115f4', '01811b830c64050519010a068f88d305', '95570481678c2f99dd582773357b8fc3', '1c9fc31f0564a7e9c3c94a519b6e828f'], ['2064f6aaa1d48278', 'b0802647ab628bb2', '65'], ['103140501160885d0000000000000000', '01811b830c64050519010a068f88d305', '95570481678c2f99dd582773357b8fc3', '1c9fc31f0564a7e9c3c94a519b6e828f'], ['2064f6aaa1d48278', 'b0802647ab628bb2', '65']],
  ['addv b0, v1.8b', 0x0e31b820, ['a14d28a75923aa64b20f50643e369168', '7a880477888081f0028bc40e0b8c8684', '000000000000f03f1f1e3a42da3e3540', 'ff018081007fff81004040818000817f'], ['5de164f96c98ba49', 'fffffffffffffff2', 'f41ace0ee1cc40e3'], ['f6000000000000000000000000000000', '7a880477888081f0028bc40e0b8c8684', '000000000000f03f1f1e3a42da3e3540', 'ff018081007fff81004040818000817f'], ['5de164f96c98ba49', 'fffffffffffffff2', 'f41ace0ee1cc40e3']],
  ['uaddlv h0, v1.16b', 0x6e303820, ['010000000000f8ff360e4f0cac633cc0', 'cbd4ab1d185036c0ffffffffffffdf3f', 'f49bcf7b000020400000003f4523c17f', '88817d0a8681454d0d05888a0f07f209'], ['50d65467ab9697d1', '85707ea889054a96', 'ab'], ['dd0a0000000000000000000000000000', 'cbd4ab1d185036c0ffffffffffffdf3f', 'f49bcf7b000020400000003f4523c17f', '88817d0a8681454d0d05888a0f07f209'], ['50d65467ab9697d1', '85707ea889054a96', 'ab']],
  ['uzp1 v0.16b, v1.16b, v2.16b', 0x4e021820, ['075ae18857586cb2504f4ea4842672bc', '40fe7f4081007ffe81ff40ff0081ff00', '51723d3f0000803fd4c0183f0000807f', '0000c03fffffff3e5ed032cf5ed032cf'], ['83efebedd4edf06b', '9919d89fc5487cbd', 'f8211982e0585834'], ['407f817f814000ff513d0080d4180080', '40fe7f4081007ffe81ff40ff0081ff00', '51723d3f0000803fd4c0183f0000807f', '0000c03fffffff3e5ed032cf5ed032cf'], ['83efebedd4edf06b', '9919d89fc5487cbd', 'f8211982e0585834']],
  ['zip2 v0.8h, v1.8h, v2.8h', 0x4e427820, ['008180014001fffeff817f7f80007f00', '0000000000000080010000000000f8ff', 'ffffffffffff0f80075f0a9213243bc0', '41f10954bf51ab5a09c12d2b18faa8d7'], ['9c', '82e8e0963645d85', '1da1d4cf09138a04'], ['0100075f00000a9200001324f8ff3bc0', '0000000000000080010000000000f8ff', 'ffffffffffff0f80075f0a9213243bc0', '41f10954bf51ab5a09c12d2b18faa8d7'], ['9c', '82e8e0963645d85', '1da1d4cf09138a04']],
  ['ext v0.16b, v1.16b, v2.16b, #7', 0x6e023820, ['a0f8bac9ba17abd840f72905ef921ab1', '8f8d08828b0086020c808ca301808a06', '59f52fbc59349cb74e21626aaa2b3491', '39a4defadd3c80d865c68fa6aafffb7f'], ['545cb83180e0ab6f', '43ae33c9552b3184', '97'], ['020c808ca301808a0659f52fbc59349c', '8f8d08828b0086020c808ca301808a06', '59f52fbc59349cb74e21626aaa2b3491', '39a4defadd3c80d865c68fa6aafffb7f'], ['545cb83180e0ab6f', '43ae33c9552b3184', '97']],
  ['tbl v0.16b, {v1.16b, v2.16b}, v3.16b', 0x4e032020, ['ffff7f7f010000df0000807fd3140fbf', '0000004f0100000069db808527bd6f14', '0000804f0000807f771cd630000000bf', '0100807f0000005f000000806fe920bf'], ['d230a91fbc81fa5c', '4872fa2817e108fe', 'e772d18346a92d45'], ['00000000000000000000000000000000', '0000004f0100000069db808527bd6f14', '0000804f0000807f771cd630000000bf', '0100807f0000005f000000806fe920bf'], ['d230a91fbc81fa5c', '4872fa2817e108fe', 'e772d18346a92d45']],
  ['tbx v0.8b, {v1.16b}, v3.8b', 0x0e031020, ['0087810c018a880d8f030b7d050e0d0e', '0000c03f28f95f80360e4f0c0000c07f', '7756bf4a0c78908b3ff31f82e15bef18', '7f4081ff00ff00ff80ff80407f0001fe'], ['103', 'e978a4a656b43556', 'f'], ['0087810c008a000d0000000000000000', '0000c03f28f95f80360e4f0c0000c07f', '7756bf4a0c78908b3ff31f82e15bef18', '7f4081ff00ff00ff80ff80407f0001fe'], ['103', 'e978a4a656b43556', 'f']],
  ['bsl v0.16b, v1.16b, v2.16b', 0x6e621c20, ['8080ff017f8140feff7fff81feff8100', '452301000000f87fffffffffffffef7f', '0000c03f000080000100c0ff0000003f', '40fe7f4081007ffe81ff40ff0081ff00'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['0000013e0000c07eff7ffffffeff813f', '452301000000f87fffffffffffffef7f', '0000c03f000080000100c0ff0000003f', '40fe7f4081007ffe81ff40ff0081ff00'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['bif v0.8b, v1.8b, v2.8b', 0x2ee21c20, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['19ac07ad528809890000000000000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['cnt v0.16b, v1.16b', 0x4e205820, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['01000000000005080505060703060401', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['rev64 v0.8h, v1.8h', 0x4e600820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['878d8806048f0d8a0f06078680828f06', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['movi v0.4s, #0x4d, msl #16', 0x4f02d5a0, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['ffff4d00ffff4d00ffff4d00ffff4d00', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['mvni v0.8h, #0x12, lsl #8', 0x6f00a640, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['ffedffedffedffedffedffedffedffed', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['bic v0.4s, #0xff, lsl #8', 0x6f0737e0, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['5900038273001b81d70002803c000995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['dup v0.16b, w1', 0x4e010c20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['adadadadadadadadadadadadadadadad', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['dup v0.4s, v1.s[3]', 0x4e1c0420, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['07860f0607860f0607860f0607860f06', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['mov v0.h[5], v1.h[2]', 0x6e162420, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['fefefe7f7fff81ff0181238d8181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['mov v0.s[1], w2', 0x4e0c1c40, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['8001fe81e49dde63fe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['umov w0, v1.b[13]', 0x0e1b3c20, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['69', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['smov x0, v1.h[6]', 0x4e1a2c20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['7713', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['mov x0, v1.d[1]', 0x4e183c20, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['60f86078280068f', '116934b2d0b33442', '13b566cb255b8464']],
  ['addp d0, v1.2d', 0x5ef1b820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['b7e87ec2a175f8c30000000000000000', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['ushr d0, d1, #3', 0x7f7d0420, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['21612120f0e000000000000000000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['cmge d0, d1, #0', 0x7ee08820, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['ffffffffffffffff0000000000000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['add v0.2d, v1.2d, v2.2d', 0x4ee28420, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0e06055181877d377efef6fd9f00cac7', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['mul v0.16b, v1.16b, v2.16b', 0x4e229c20, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['b5d4d02280047bcfccfe80b0e892d9c6', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['mla v0.4s, v1.4s, v2.s[1]', 0x6fa20020, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['7eda5137ff7a9809010395f681a4190a', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['umull2 v0.4s, v1.8h, v2.8h', 0x6e62c020, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['00000000407d04020000000000f40800', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['smlal v0.2d, v1.2s, v2.2s', 0x0ea28020, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['094ab545014fa97bc3f0f1baa8963084', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['uaddw2 v0.8h, v1.8h, v2.16b', 0x6e221020, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['8b00830000000600807b7ff0a077c340', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['rshrn2 v0.16b, v1.8h, #3', 0x4f0d8c20, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['8babfaacc368879942e1d1b1d250c1c2', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['sqxtn v0.4h, v1.4s', 0x0e614820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['ff7f0080ff7fff7f0000000000000000', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['uqxtn v0.2s, v1.2d', 0x2ea14820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['ffffffffffffffff0000000000000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['sqadd v0.4s, v1.4s, v2.4s', 0x4ea20c20, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['692ee2be584bd3f2f76df0fbffffff7f', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['uqsub v0.2d, v1.2d, v2.2d', 0x6ee22c20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['f4f9faae7e7872c80000000000000000', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['urhadd v0.16b, v1.16b, v2.16b', 0x6e221420, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['2bb63ca75c2e7aac822e49ad70455354', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['shsub v0.8h, v1.8h, v2.8h', 0x4e622420, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['9044343851bfcd0953eb445b78ee6351', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['sshl v0.4s, v1.4s, v2.4s', 0x4ea24420, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['0f090b01810707000f8b0b0484860c00', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['urshl v0.2d, v1.2d, v2.2d', 0x6ee25420, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['00000000000000600000000000000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['srsra v0.8h, v1.8h, #5', 0x4f1b3420, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0ec54616a1fab68ad14d0f760512e569', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['sri v0.4s, v1.4s, #9', 0x6f374420, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['4582c7ac83c3c6990340412dc30703ed', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['sli v0.2d, v1.2d, #17', 0x6f515420, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['fefec619e8e5461a0181a9b7159ffcd0', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['sqshlu v0.16b, v1.16b, #3', 0x6f0b6420, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['78485808003838007800582000006000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['sqrdmulh v0.4s, v1.4s, v2.4s', 0x6ea2b420, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['1c851bf5d8184fde4b90daa880f5f021', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['sxtl2 v0.2d, v1.4s', 0x4f20a420, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['f47af6efffffffff13773c4000000000', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['cls v0.8h, v1.8h', 0x4e604820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['00000000040000000400000000000400', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['rbit v0.8b, v1.8b', 0x2e605820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['c7302f4ec4b1c4190000000000000000', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['sqabs v0.2d, v1.2d', 0x4ee07820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['0f090b01810707000f8b0b0484860c00', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['smaxv h0, v1.8h', 0x4e70a820, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['94690000000000000000000000000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['sminp v0.4s, v1.4s, v2.4s', 0x4ea2ac20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0000f8fff47af6ef818785378c898d87', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['fadd v0.4s, v1.4s, v2.4s', 0x4e22d420, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['49e274be30566dcb745511d8d80397a1', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['fmax v0.2d, v1.2d, v2.2d', 0x4e62f420, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['c2838b02800e8884d4db8a4f7ee8d42b', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['fminnm v0.4s, v1.4s, v2.4s', 0x4ea2c420, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['000000bf810707000f8b0b04000000bf', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['fmulx v0.2d, v1.2d, v2.2d', 0x4e62dc20, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['15a4b7197c8de4b28e055f7f13f4b447', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['faddp s0, v1.2s', 0x7e30d820, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0000f8ff000000000000000000000000', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['fmaxv s0, v1.4s', 0x6e30f820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['07860f06000000000000000000000000', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['frinta v0.4s, v1.4s', 0x6e218820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['e30cf47200000080d4db8a4f00000000', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['fcvtzs v0.2d, v1.2d', 0x4ee1b820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['00000000000000000000000000000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['fcvtau v0.4s, v1.4s', 0x6e21c820, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['0000000000000000ffffffff00000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['ucvtf v0.2d, v1.2d', 0x6e61d820, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0000000000ffef439ffdfbc41d0fd043', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['scvtf v0.4s, v1.4s, #5', 0x4f3be420, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['ecf661ccf3f164ccf3ff7accc1f0414a', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['fcvtn2 v0.4s, v1.2d', 0x4e616820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['fefefe7f7fff81ff0000008000000000', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['fcvtl v0.2d, v1.2s', 0x0e617820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['000000e02161213800000000041ecc37', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['fsqrt v0.2d, v1.2d', 0x6ee1f820, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['3c7c8db4907aac3d120a3b230f2ae439', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['fmla v0.4s, v1.4s, v2.4s', 0x4e22cc20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['0ec546160000f8fff9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['fmls d0, d1, v2.d[1]', 0x5fc25820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['8babfaacc36887990000000000000000', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['facgt v0.4s, v1.4s, v2.4s', 0x6ea2ec20, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['ffffffffffffffffffffffffffffffff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['fcmlt v0.2d, v1.2d, #0.0', 0x4ee0e820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['00000000000000000000000000000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['uqrshl v0.4s, v1.4s, v2.4s', 0x6ea25c20, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['ffffffffffffffffffffffff00000000', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['sqshl v0.8h, v1.8h, v2.8h', 0x4e624c20, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['002000000000ffff0000f6ef00000000', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['suqadd v0.16b, v1.16b', 0x4e203820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['9835fe3b4b6e0e267ff67f7fad7f6bf3', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['usqadd v0.2d, v1.2d', 0x6ee03820, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['e10bf3f2a28ca597ffffffffffffffff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['pmul v0.16b, v1.16b, v2.16b', 0x6e229c20, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['000000bf00008000000040fc00000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
  ['pmull2 v0.8h, v1.16b, v2.16b', 0x4e22e020, ['598a0382738c1b81d70802803c0a0995', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3'], ['2e140c74d22d6c343840b217ba5da50f', '30ade6ad5258693b7ee19a679469d933', '3981fb1006f369b7798c55949662ca53', 'dd536050a6c738400000000000000080'], ['16f68b711e0d5a59', 'fffffffffffffff7', '108df5c2aa7cc2f3']],
  ['sqdmlal2 v0.4s, v1.8h, v2.8h', 0x4e629020, ['0ec54616a1fab68af9498f764c0ee367', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c'], ['1e0cb99ea1e2f588c1dc5d086418712b', '010000000000f8fff47af6ef13773c40', '0d060551818785378a83000e8c898d87', '8cfc85668dcc0701848f030c830e088a'], ['e8', 'da7f1f2ae37d31ad', 'f74825bbfab2874c']],
  ['sqdmull d0, s1, v2.s[3]', 0x5fa2b820, ['8babfaacc36887991bf0652da6245ced', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464'], ['f0433ba8805555530000000000000000', '0d8a048f8806878d8f06808207860f06', '49e274be30566dcb745511d8d80397a1', '1590aa064573a54daa031ac25c873716'], ['fffffffffffffff5', '116934b2d0b33442', '13b566cb255b8464']],
  ['sqrdmlah v0.8h, v1.8h, v2.8h', 0x6e428420, ['fefefe7f7fff81ff018181808181feff', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7'], ['7cf2ff7f7cf2b16300800080008044d7', 'e30cf472238d2398d4db8a4f7ee8d42b', 'c2838b02800e88842e0501998d0b0e89', '0000c07fb9f043d1ffff7f807cc93a3f'], ['f9c0e1ddf91f75e', 'f0beb6c133ff97f4', 'c7']],
  ['fcvtxn2 v0.4s, v1.2d', 0x6e616820, ['8001fe81007f807ffe407f00807f4040', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4'], ['8001fe81007f807f0100000001000000', '0f090b01810707000f8b0b0484860c00', '000000bf000080000000c07f000000bf', 'e01e2532ad676452a7cf4e04991d3789'], ['6f', 'c33cf798b8cf307a', '6f1a0f9d63de9de4']],
];

/** Lifts one instruction into a Wasm function over registers held in memory, and runs it. */
function runOne(word: number, vin: string[], xin: string[]): { v: string[]; x: string[] } {
  const m = new WasmBuilder();
  m.setFeatures(ir.Features.All);
  m.setMemory(1, 1, 'mem');
  const regType = (r: number) => (r < 32 ? ir.i64 : r < 36 ? ir.i32 : ir.v128);
  const items: Expr[] = [], temps: number[] = [], added = new Set<string>();
  const b: Builder = {
    m, pc: 0x1000, scratch: new Map(),
    get: (r) => m.local.get(r, regType(r)),
    set: (r, v) => { items.push(m.local.set(r, v)); },
    emit: (s) => { items.push(s); },
    temp: (t, v) => { temps.push(t); if (v !== undefined) items.push(m.local.set(68 + temps.length - 1, v)); return 68 + temps.length - 1; },
    addr: (a) => m.i32.wrap(a),
    offset: () => 0,
    checksPages: false,
    zeroHigh: (v) => (m.highZero(v, () => false) ? v : m.i64x2.replace_lane(v, 1, m.i64.const(0))),
    trap: () => { throw new Error('trap'); },
    syscall: () => { throw new Error('syscall'); },
    invalidateCode: () => { throw new Error('icache'); },
    helper: (name) => { if (!added.has(name)) { aarch64.helpers[name]!(m, name); added.add(name); } return name; },
  };
  const X = (r: number) => 8 * r, V = (r: number) => 256 + 16 * r;
  const pre: Expr[] = [], post: Expr[] = [];
  for (let r = 0; r < 31; r++) {
    pre.push(m.local.set(r, m.i64.load(0, 8, m.i32.const(X(r)))));
    post.push(m.i64.store(0, 8, m.i32.const(X(r)), m.local.get(r, ir.i64)));
  }
  for (let r = 0; r < 32; r++) {
    pre.push(m.local.set(36 + r, m.v128.load(0, 16, m.i32.const(V(r)))));
    post.push(m.v128.store(0, 16, m.i32.const(V(r)), m.local.get(36 + r, ir.v128)));
  }
  aarch64.lift(decode(word, 0x1000), b);
  const vars = [...Array.from({ length: 68 }, (_, r) => regType(r)), ...temps];
  m.addFunction('run', ir.none, ir.none, vars, m.block(null, [...pre, ...items, ...post]));
  m.addFunctionExport('run', 'run');
  expect(m.validate()).toBeTruthy();
  useOptimizer(binaryen); // optimised as the translator does at -O2
  const inst = new WebAssembly.Instance(new WebAssembly.Module(optimizeBinary(m.emitBinary(), 2, m.getFeatures()) as Uint8Array<ArrayBuffer>), {});
  const mem = new Uint8Array((inst.exports.mem as WebAssembly.Memory).buffer), dv = new DataView(mem.buffer);
  xin.forEach((x, i) => dv.setBigUint64(X(i), BigInt('0x' + x), true));
  vin.forEach((v, i) => mem.set(Buffer.from(v, 'hex'), V(i)));
  (inst.exports.run as () => void)();
  const hex = (a: Uint8Array) => Buffer.from(a).toString('hex');
  return {
    v: vin.map((_, i) => hex(mem.subarray(V(i), V(i) + 16))),
    x: xin.map((_, i) => dv.getBigUint64(X(i), true).toString(16)),
  };
}

describe('A64 Advanced SIMD decoding', () => {
  it.each(DECODE)('%s', (_asm, word, name, fields) => {
    const d = decode(word, 0x400000);
    expect(d.name).toBe(name);
    expect(d.f).toEqual(fields);
    expect(d.flow).toEqual({ kind: 'fall' });
  });

  it.each(UNDEF)('%s is UNDEF', (_asm, word) => {
    expect(decode(word, 0x400000).name).toBe('UNDEF');
  });
});

describe('A64 Advanced SIMD semantics (golden values from qemu-aarch64)', () => {
  it.each(GOLDEN)('%s', (_asm, word, vin, xin, vout, xout) => {
    const r = runOne(word, vin, xin);
    expect(r.v).toEqual(vout);
    expect(r.x).toEqual(xout);
  });
});
