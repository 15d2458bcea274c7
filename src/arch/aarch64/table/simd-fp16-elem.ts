// Advanced SIMD half-precision (FEAT_FP16) by element, vector (Vd.4H/8H) and scalar (Hd):
// FMLA FMLS FMUL FMULX with Vm.H[H:L:M], Rm one of V0–V15 (4 bits). A lane at a time through
// the half helpers (simd-fp16-ops.ts).
import * as ir from '../../../wasm/ir.ts';
import { row, type Fields, type Row } from '../decoder.ts';
import type { Builder } from '../../../lift/types.ts';
import { tmp } from '../ops.ts';
import { vget, writeForm } from '../simd-ops.ts';
import { binLane, fmaLane, half, halfLanes } from '../simd-fp16-ops.ts';

function byElement(f: Fields, b: Builder, scalar: boolean): void {
  const el = tmp(b, ir.i32, half(b, vget(b, f.rm!), (f.H! << 2) | (f.L! << 1) | f.M!));
  const x = vget(b, f.rn!), acc = vget(b, f.rd!);
  const v = halfLanes(b, scalar ? 1 : f.Q ? 8 : 4, (i) => (f.opcode === 0b1001
    ? binLane(b, f.U ? 'mulx' : 'mul', half(b, x, i), el())
    : fmaLane(b, f.opcode === 0b0101, half(b, x, i), el(), half(b, acc, i))));
  writeForm(b, f.rd!, v, { q: scalar ? 0 : f.Q!, esize: 16, scalar });
}

/** FMLA (0001), FMLS (0101), FMUL (1001) with U = 0; FMULX (1001) with U = 1 */
const known = (f: Fields) => f.opcode === 0b1001 || (f.U === 0 && (f.opcode === 0b0001 || f.opcode === 0b0101));

export const simdFp16ElemRows: Row[] = [
  row('SIMD_elem_fp16', '0 Q U 01111 00 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => byElement(f, b, false), { guard: known }),
  row('SIMD_elem_fp16_scalar', '01 U 11111 00 L M rm:4 opcode:4 H 0 rn:5 rd:5', (f, b) => byElement(f, b, true), { guard: known }),
];
